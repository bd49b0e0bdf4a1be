// Settlements per second through the group commit, driven through the proxy: load the server at
// high concurrency, then wait until every hold has ended, and divide the charges written by the
// time from the start of the load to the last settlement.
import type { Target } from "../target.ts";
import { throughput } from "./throughput.ts";

export interface Settlements {
  perSecond: number;
  /** Charges written during the measurement. */
  settled: number;
  /** How long after the load stopped the last hold ended, milliseconds. */
  lagMs: number;
  /** Successful responses per second during the load. */
  rps: number;
}

interface LedgerCounts {
  charges: number;
  openHolds: number;
}

export async function settlementRate(target: Target, opts: { connections: number; durationS: number; timeoutMs?: number }): Promise<Settlements> {
  const counts = () => target.server.rpc<LedgerCounts>("ledger");
  const before = await counts();
  const started = performance.now();
  const load = await throughput(target, { connections: opts.connections, durationS: opts.durationS });
  const loadEnded = performance.now();
  const deadline = loadEnded + (opts.timeoutMs ?? 30_000);
  let now = await counts();
  let end = performance.now();
  while (now.openHolds > 0 && end < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    now = await counts();
    end = performance.now();
  }
  const settled = now.charges - before.charges;
  return { perSecond: settled / ((end - started) / 1000), settled, lagMs: Math.max(0, end - loadEnded), rps: load.rps };
}
