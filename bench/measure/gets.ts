// Latency of GET requests at concurrency 1 (the account endpoints): one keep-alive connection per
// server, sequential requests timed from send to the last body byte, servers interleaved in blocks.
import { Pool } from "undici";
import { interleave } from "./interleave.ts";

export interface GetTarget {
  /** Names the result. */
  label: string;
  origin: string;
  path: string;
  headers: Record<string, string>;
}

export interface GetTimes {
  /** Microseconds, one per 200 answer. */
  samples: number[];
  failures: number;
  lastError?: string;
  /** The first 200 answer's body (the caller checks that it says what the store holds). */
  firstBody?: string;
}

export async function sequentialGets(targets: readonly GetTarget[], opts: { samples: number; warmup: number; block: number }): Promise<Map<string, GetTimes>> {
  const pools = targets.map((t) => new Pool(t.origin, { connections: 1, pipelining: 1, keepAliveTimeout: 60_000 }));
  const out = new Map<string, GetTimes>(targets.map((t) => [t.label, { samples: [], failures: 0 }]));
  try {
    await interleave(targets.length, opts, async (i, record) => {
      const t = targets[i] as GetTarget;
      const times = out.get(t.label) as GetTimes;
      const start = process.hrtime.bigint();
      const res = await (pools[i] as Pool).request({ path: t.path, method: "GET", headers: t.headers });
      const body = await res.body.text();
      const micros = Number(process.hrtime.bigint() - start) / 1000;
      if (res.statusCode !== 200) {
        times.failures++;
        times.lastError = `HTTP ${res.statusCode} ${body.slice(0, 200)}`;
        return;
      }
      times.firstBody ??= body;
      if (record) times.samples.push(micros);
    });
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  return out;
}
