// UTC day windows for the charts: the last `days` days, today included, as rollup day numbers.
import { DAY_MS, dayOf } from "../../store/usageDaily.js";

export interface DayWindow {
  /** First and last rollup day numbers (inclusive). */
  first: bigint;
  last: bigint;
  /** YYYY-MM-DD of each day, oldest first. */
  labels: string[];
}

export function dayWindow(days: number, now = Date.now()): DayWindow {
  const last = dayOf(now);
  const first = last - BigInt(days - 1);
  const labels: string[] = [];
  for (let d = first; d <= last; d++) labels.push(new Date(Number(d) * DAY_MS).toISOString().slice(0, 10));
  return { first, last, labels };
}

/** pg returns sum(bigint) as a numeric string, SQLite a bigint: both to bigint. */
export function big(value: unknown): bigint {
  return BigInt(String(value ?? 0));
}
