// Latency at concurrency 1 with a high-resolution client: one keep-alive connection per target,
// sequential requests, each timed with process.hrtime.bigint() from send to the last body byte.
// Targets are measured in interleaved blocks so that machine noise falls on all of them alike.
import { Pool } from "undici";
import { chatRequest, type ChatRequest, type Target } from "../target.ts";
import { interleave } from "./interleave.ts";

export interface LatencyOptions {
  /** Timed requests per target. */
  samples: number;
  /** Untimed requests per target first. */
  warmup: number;
  /** Requests per target per block. */
  block?: number;
  request?: ChatRequest;
  /** Rotate the tenant key over these, one per request. */
  keys?: readonly string[];
}

export interface Timed {
  /** Microseconds, one per request. */
  samples: number[];
  failures: number;
}

export async function sequentialLatency(targets: readonly Target[], opts: LatencyOptions): Promise<Map<string, Timed>> {
  const pools = targets.map((t) => new Pool(t.origin, { connections: 1, pipelining: 1, keepAliveTimeout: 60_000 }));
  const out = new Map<string, Timed>(targets.map((t) => [t.name, { samples: [], failures: 0 }]));
  const requests = targets.map((t) => chatRequest(t, opts.request));
  const keyCursor = targets.map(() => 0);
  try {
    const one = async (i: number, record: boolean) => {
      const target = targets[i] as Target;
      const { path, headers, body } = requests[i] as ReturnType<typeof chatRequest>;
      const keys = opts.keys;
      let h = headers;
      if (keys && keys.length > 0 && target.keyHeader) {
        const k = keyCursor[i] ?? 0;
        keyCursor[i] = k + 1;
        h = { ...headers, [target.keyHeader]: `Bearer ${keys[k % keys.length]}` };
      }
      const start = process.hrtime.bigint();
      const res = await (pools[i] as Pool).request({ path, method: "POST", headers: h, body });
      await res.body.arrayBuffer();
      const micros = Number(process.hrtime.bigint() - start) / 1000;
      const timed = out.get(target.name) as Timed;
      if (res.statusCode !== 200) timed.failures++;
      else if (record) timed.samples.push(micros);
    };
    await interleave(targets.length, { samples: opts.samples, warmup: opts.warmup, block: opts.block ?? 100 }, one);
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  return out;
}
