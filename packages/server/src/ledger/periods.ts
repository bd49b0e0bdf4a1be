import type { LimitReset } from "../store/schema.js";
import type { Nanos } from "./money.js";

/** Start (epoch ms, UTC) of the key-limit period containing `now`; 0 for keys that never reset. */
export function periodStart(reset: LimitReset, now: number): number {
  if (reset === "none") return 0;
  const d = new Date(now);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (reset === "daily") return day;
  if (reset === "weekly") return day - ((d.getUTCDay() + 6) % 7) * 86_400_000; // weeks start on Monday
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** A key's usage in the period containing `now`: a period that has ended counts as zero until the next charge rolls it over. */
export function currentPeriodUsage(key: { limit_reset: LimitReset; period_start: bigint; period_usage: Nanos }, now: number): Nanos {
  return key.period_start < BigInt(periodStart(key.limit_reset, now)) ? 0n : key.period_usage;
}
