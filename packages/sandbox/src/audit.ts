// The audit log: every call the generation routes received, served or rejected, with what it
// cost in nano-USD. Totals are kept incrementally, so they stay exact even after old entries
// are dropped past `maxCalls`.

export type CallStatus = "ok" | "error" | "reset" | "hang" | "rejected";

export interface SandboxCall {
  /** Generation id (`gen-…`), also sent as `X-Generation-Id`. */
  readonly id: string;
  /** The request's `x-request-id` header, if any. */
  readonly requestId: string | null;
  /** The upstream key used; null when the request carried no known key. */
  readonly key: string | null;
  readonly path: string;
  readonly model: string | null;
  /** True when the sandbox generated something (and billed it); false for rejections. */
  readonly served: boolean;
  /** ok | error (in-stream or mid-generation error) | reset | hang | rejected (nothing served). */
  readonly status: CallStatus;
  /** HTTP status sent (200 for served calls, even when they failed mid-stream). */
  readonly httpStatus: number;
  readonly streamed: boolean;
  /** The client went away before the response ended; the generation was billed in full. */
  readonly cancelled: boolean;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  /** Per-call upstreams: the units billed (Tavily's credits); null for token-priced calls. */
  readonly units: number | null;
  /** What the key was billed: the exact cost rounded once, half up, to the nano-USD. */
  readonly costNanos: bigint;
  /** The exact cost the sandbox reported (`usage.cost`, `total_cost`), as a decimal string. */
  readonly costExact: string;
  /** The same as a USD number, as clients read it. */
  readonly costUsd: number;
  readonly finishReason: string | null;
  /** Epoch milliseconds when the request arrived. */
  readonly startedAt: number;
  /** Milliseconds from arrival to when the call was recorded. */
  readonly durationMs: number;
}

export interface SandboxTotals {
  served: number;
  rejected: number;
  promptTokens: number;
  completionTokens: number;
  costNanos: bigint;
}

export interface SandboxTotalsReport {
  overall: SandboxTotals;
  byKey: Record<string, SandboxTotals>;
}

export interface CallFilter {
  key?: string;
  served?: boolean;
}

const emptyTotals = (): SandboxTotals => ({ served: 0, rejected: 0, promptTokens: 0, completionTokens: 0, costNanos: 0n });

function add(totals: SandboxTotals, call: SandboxCall): void {
  if (call.served) totals.served++;
  else totals.rejected++;
  totals.promptTokens += call.promptTokens;
  totals.completionTokens += call.completionTokens;
  totals.costNanos += call.costNanos;
}

export class AuditLog {
  private entries: SandboxCall[] = [];
  /** Calls begun and not yet recorded (generating, or waiting out a latency fault). */
  private open = 0;
  private readonly byId = new Map<string, SandboxCall>();
  private overall = emptyTotals();
  private byKey = new Map<string, SandboxTotals>();

  constructor(private readonly maxCalls: number = 1_000_000) {}

  /** A call has begun; `record` ends it. */
  begin(): void {
    this.open++;
  }

  /** How many calls are under way (begun, not yet recorded). */
  inFlight(): number {
    return this.open;
  }

  record(call: SandboxCall): void {
    this.open = Math.max(0, this.open - 1);
    this.entries.push(call);
    if (call.served) this.byId.set(call.id, call);
    add(this.overall, call);
    if (call.key !== null) {
      let totals = this.byKey.get(call.key);
      if (!totals) this.byKey.set(call.key, (totals = emptyTotals()));
      add(totals, call);
    }
    if (this.entries.length > this.maxCalls) this.evict();
  }

  /** A served call by generation id. */
  generation(id: string): SandboxCall | undefined {
    return this.byId.get(id);
  }

  calls(filter?: CallFilter): SandboxCall[] {
    if (!filter) return this.entries.slice();
    return this.entries.filter((c) => (filter.key === undefined || c.key === filter.key) && (filter.served === undefined || c.served === filter.served));
  }

  totals(): SandboxTotalsReport {
    const byKey = Object.fromEntries([...this.byKey].map(([key, totals]) => [key, { ...totals }]));
    return { overall: { ...this.overall }, byKey };
  }

  reset(): void {
    this.entries = [];
    this.byId.clear();
    this.overall = emptyTotals();
    this.byKey = new Map();
  }

  private evict(): void {
    const dropped = this.entries.splice(0, Math.ceil(this.maxCalls / 10));
    for (const call of dropped) this.byId.delete(call.id);
  }
}

/** JSON with bigints as decimal strings (for `GET /__sandbox/calls`). */
export function auditJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}
