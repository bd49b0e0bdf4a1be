// Upstream keys the sandbox accepts: credit limit (402), requests per minute (429), usage by
// period for `GET /key`, and a per-key fault so a proxy's pool failover can be exercised.

import { toFault, type SandboxFault } from "./faults.ts";
import { usdToNanos } from "./money.ts";

export type LimitReset = "daily" | "weekly" | "monthly";

export interface SandboxKeyConfig {
  key: string;
  label?: string;
  /** Key spending limit in USD (exact decimal string or number); null/absent = no limit. */
  limitUsd?: number | string | null;
  /** The limit applies to usage of the current UTC day/week/month instead of all time. */
  limitReset?: LimitReset | null;
  /** Account credits behind the key (`GET /credits`); default 1,000,000 USD. */
  creditsUsd?: number | string;
  /** Requests per minute (sliding 60 s window); absent = unlimited. */
  rpm?: number;
  fault?: SandboxFault | string;
}

export const DEFAULT_SANDBOX_KEY = "sk-or-v1-sandbox";
const DEFAULT_CREDITS_NANOS = 1_000_000n * 1_000_000_000n;
const DAY_MS = 86_400_000;

export class KeyState {
  readonly key: string;
  readonly label: string;
  readonly limitNanos: bigint | null;
  readonly limitReset: LimitReset | null;
  readonly creditsNanos: bigint;
  readonly rpm: number | null;
  fault: SandboxFault | undefined;
  usageNanos = 0n;
  /** Units billed by per-call upstreams (Tavily's credits), for their own usage route. */
  usageUnits = 0;
  dailyNanos = 0n;
  weeklyNanos = 0n;
  monthlyNanos = 0n;
  private day = -1;
  private week = -1;
  private month = -1;
  private window: Float64Array | null;
  private windowPos = 0;

  constructor(config: SandboxKeyConfig) {
    if (!config.key) throw new TypeError("sandbox key must be a non-empty string");
    if (config.rpm !== undefined && (!Number.isSafeInteger(config.rpm) || config.rpm < 1)) {
      throw new RangeError(`rpm must be a positive integer, got ${config.rpm}`);
    }
    this.key = config.key;
    this.label = config.label ?? `${config.key.slice(0, 9)}...${config.key.slice(-3)}`;
    this.limitNanos = config.limitUsd === undefined || config.limitUsd === null ? null : usdToNanos(config.limitUsd);
    this.limitReset = config.limitReset ?? null;
    this.creditsNanos = config.creditsUsd === undefined ? DEFAULT_CREDITS_NANOS : usdToNanos(config.creditsUsd);
    this.rpm = config.rpm ?? null;
    this.window = this.rpm === null ? null : new Float64Array(this.rpm).fill(-Infinity);
    this.fault = config.fault === undefined ? undefined : toFault(config.fault);
  }

  /** The usage the limit is checked against. */
  limitedUsage(now: number): bigint {
    this.rollPeriods(now);
    switch (this.limitReset) {
      case "daily": return this.dailyNanos;
      case "weekly": return this.weeklyNanos;
      case "monthly": return this.monthlyNanos;
      default: return this.usageNanos;
    }
  }

  /** Rate limit then credit limit. Returns null when the request may proceed. */
  admit(now: number): { status: 429; retryAfterS: number } | { status: 402; message: string } | null {
    if (this.window) {
      const oldest = this.window[this.windowPos] ?? -Infinity;
      if (now - oldest < 60_000) return { status: 429, retryAfterS: Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000)) };
      this.window[this.windowPos] = now;
      this.windowPos = (this.windowPos + 1) % this.window.length;
    }
    if (this.usageNanos >= this.creditsNanos) return { status: 402, message: "Insufficient credits. Add more using https://openrouter.ai/credits" };
    if (this.limitNanos !== null && this.limitedUsage(now) >= this.limitNanos) return { status: 402, message: "Key limit exceeded" };
    return null;
  }

  /** The key's fault for this request; counts down and clears a fault given `times`. */
  takeFault(): SandboxFault | undefined {
    const fault = this.fault;
    if (fault?.times !== undefined) {
      if (fault.times <= 1) this.fault = undefined;
      else this.fault = { ...fault, times: fault.times - 1 };
    }
    return fault;
  }

  charge(nanos: bigint, now: number): void {
    this.rollPeriods(now);
    this.usageNanos += nanos;
    this.dailyNanos += nanos;
    this.weeklyNanos += nanos;
    this.monthlyNanos += nanos;
  }

  resetUsage(): void {
    this.usageNanos = this.dailyNanos = this.weeklyNanos = this.monthlyNanos = 0n;
    this.usageUnits = 0;
    this.window?.fill(-Infinity);
    this.windowPos = 0;
  }

  private rollPeriods(now: number): void {
    const day = Math.floor(now / DAY_MS);
    if (day === this.day) return;
    this.day = day;
    this.dailyNanos = 0n;
    const week = Math.floor((day + 3) / 7); // 1970-01-01 was a Thursday; weeks start on Monday.
    if (week !== this.week) {
      this.week = week;
      this.weeklyNanos = 0n;
    }
    const date = new Date(now);
    const month = date.getUTCFullYear() * 12 + date.getUTCMonth();
    if (month !== this.month) {
      this.month = month;
      this.monthlyNanos = 0n;
    }
  }
}

export class KeyRegistry {
  private readonly keys = new Map<string, KeyState>();

  constructor(configs: ReadonlyArray<string | SandboxKeyConfig>) {
    for (const config of configs) this.add(config);
  }

  add(config: string | SandboxKeyConfig): KeyState {
    const state = new KeyState(typeof config === "string" ? { key: config } : config);
    this.keys.set(state.key, state);
    return state;
  }

  get(key: string): KeyState | undefined {
    return this.keys.get(key);
  }

  /** The key of an `Authorization: Bearer <key>` header, if it is one of ours. */
  authenticate(authorization: string | undefined): KeyState | undefined {
    if (!authorization || authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== "bearer ") return undefined;
    return this.keys.get(authorization.slice(7).trim());
  }

  setFault(key: string, fault: SandboxFault | string | null): void {
    const state = this.keys.get(key);
    if (!state) throw new RangeError("unknown sandbox key (add it with addKey first)");
    state.fault = fault === null ? undefined : toFault(fault);
  }

  resetUsage(): void {
    for (const state of this.keys.values()) state.resetUsage();
  }
}
