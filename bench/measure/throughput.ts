// Throughput with autocannon: N connections, one request in flight each, for a fixed duration,
// and the server process's CPU time over the timed part.
import autocannon, { type AutocannonRequest } from "autocannon";
import { chatRequest, type ChatRequest, type Target } from "../target.ts";
import { cpuDuring } from "./cpu.ts";

export interface Throughput {
  /** Successful (2xx) responses per second. */
  rps: number;
  /** autocannon's latency percentiles (whole milliseconds). */
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx responses, socket errors and timeouts. */
  failures: number;
  /** Successful responses during the timed part. */
  ok: number;
  /** CPU time of the target's server process (all threads) during the timed part, ms (NaN without /proc). */
  serverCpuMs: number;
}

export interface ThroughputOptions {
  connections: number;
  durationS: number;
  warmupS?: number;
  request?: ChatRequest;
  /** Rotate the tenant key over these, one per request. */
  keys?: readonly string[];
}

function run(target: Target, opts: ThroughputOptions, durationS: number) {
  const { path, headers, body } = chatRequest(target, opts.request);
  const keys = opts.keys;
  let requests: AutocannonRequest[] | undefined;
  if (keys && keys.length > 0 && target.keyHeader) {
    const header = target.keyHeader;
    let i = 0;
    requests = [
      {
        method: "POST",
        path,
        body,
        setupRequest: (req) => ({ ...req, headers: { ...headers, [header]: `Bearer ${keys[i++ % keys.length]}` } }),
      },
    ];
  }
  return autocannon({
    url: target.origin + path,
    method: "POST",
    headers,
    body,
    connections: opts.connections,
    pipelining: 1,
    duration: durationS,
    timeout: 30,
    ...(requests ? { requests } : {}),
  });
}

export async function throughput(target: Target, opts: ThroughputOptions): Promise<Throughput> {
  if (opts.warmupS) await run(target, opts, opts.warmupS);
  const { result, cpuMs } = await cpuDuring(target.server.pid, () => run(target, opts, opts.durationS));
  const ok = result["2xx"];
  return {
    rps: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    ok,
    serverCpuMs: cpuMs,
  };
}
