// One call on a generation route, from arrival to its audit entry. `settle` and `reject` are
// idempotent: whichever happens first (end of response, client disconnect, fault) is recorded.

import { randomBytes } from "node:crypto";
import type { AuditLog, CallStatus } from "./audit.ts";
import type { KeyState } from "./keys.ts";
import type { Metered } from "./usage.ts";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `gen-<unix seconds>-<20 chars>`: a per-instance random prefix plus a counter. */
export class GenerationIds {
  private readonly prefix = Array.from(randomBytes(12), (b) => BASE62[b % 62]).join("");
  private counter = 0;

  next(nowMs: number): string {
    return `gen-${Math.floor(nowMs / 1000)}-${this.prefix}${(this.counter++).toString(36).padStart(8, "0")}`;
  }
}

export class Call {
  key: KeyState | undefined;
  model: string | null = null;
  streamed = false;
  done = false;

  constructor(
    private readonly audit: AuditLog,
    readonly id: string,
    readonly path: string,
    readonly requestId: string | null,
    readonly startedAt: number,
  ) {
    audit.begin();
  }

  /** Nothing was served: cost 0, `served: false`. */
  reject(httpStatus: number, cancelled = false): void {
    this.write(false, "rejected", httpStatus, undefined, cancelled, null);
  }

  /** Something was generated: bill `metered` to the key and record it. */
  settle(status: Exclude<CallStatus, "rejected">, metered: Metered, cancelled: boolean, finishReason: string | null): void {
    this.write(true, status, 200, metered, cancelled, finishReason);
  }

  private write(served: boolean, status: CallStatus, httpStatus: number, m: Metered | undefined, cancelled: boolean, finishReason: string | null): void {
    if (this.done) return;
    this.done = true;
    const now = Date.now();
    const costNanos = m?.costNanos ?? 0n;
    if (served && this.key) this.key.charge(costNanos, now);
    this.audit.record({
      id: this.id,
      requestId: this.requestId,
      key: this.key?.key ?? null,
      path: this.path,
      model: this.model,
      served,
      status,
      httpStatus,
      streamed: this.streamed,
      cancelled,
      promptTokens: m?.promptTokens ?? 0,
      completionTokens: m?.completionTokens ?? 0,
      cachedTokens: m?.cachedTokens ?? 0,
      units: m?.units ?? null,
      costNanos,
      costExact: m?.costExact ?? "0",
      costUsd: Number(m?.costExact ?? 0),
      finishReason,
      startedAt: this.startedAt,
      durationMs: now - this.startedAt,
    });
  }
}
