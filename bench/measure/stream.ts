// Streaming: time to first byte and total time of an SSE stream, and the arrival time of every
// event, to show that a proxy relays each upstream chunk as it arrives rather than holding it.
import { Pool } from "undici";
import { chatRequest, type Target } from "../target.ts";
import { interleave } from "./interleave.ts";

export interface StreamSample {
  /** Send → first body byte, microseconds. */
  ttfbUs: number;
  /** Send → end of body, microseconds. */
  totalUs: number;
  /** SSE `data:` events received. */
  events: number;
  /** Arrival of each `data:` event, milliseconds after send (when asked for). */
  eventTimesMs: number[];
}

/** Reads one streamed chat completion; rejects on a non-200 answer. Its length and pacing are
 *  whatever fault is set on the target's sandbox key. */
export async function streamOnce(pool: Pool, target: Target, keepTimes: boolean): Promise<StreamSample> {
  const { path, headers, body } = chatRequest(target, { stream: true });
  const start = process.hrtime.bigint();
  const res = await pool.request({ path, method: "POST", headers, body });
  if (res.statusCode !== 200) {
    const text = await res.body.text();
    throw new Error(`${target.name}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
  }
  const decoder = new TextDecoder();
  let ttfb = -1n;
  let carry = "";
  let events = 0;
  const times: number[] = [];
  for await (const chunk of res.body) {
    const now = process.hrtime.bigint();
    if (ttfb < 0n) ttfb = now - start;
    carry += decoder.decode(chunk as Buffer, { stream: true });
    let end: number;
    while ((end = carry.indexOf("\n\n")) >= 0) {
      if (carry.startsWith("data:")) {
        events++;
        if (keepTimes) times.push(Number(now - start) / 1e6);
      }
      carry = carry.slice(end + 2);
    }
  }
  const total = process.hrtime.bigint() - start;
  return { ttfbUs: Number(ttfb) / 1000, totalUs: Number(total) / 1000, events, eventTimesMs: times };
}

export interface StreamTimes {
  ttfbUs: number[];
  totalUs: number[];
  /** Fewest `data:` events seen in one stream. */
  minEvents: number;
  failures: number;
  lastError?: string;
}

/** Sequential streams (length set by the caller's fault), interleaved across targets. */
export async function streamTiming(targets: readonly Target[], opts: { samples: number; warmup: number; block?: number }): Promise<Map<string, StreamTimes>> {
  const pools = targets.map((t) => new Pool(t.origin, { connections: 1, keepAliveTimeout: 60_000 }));
  const out = new Map<string, StreamTimes>(targets.map((t) => [t.name, { ttfbUs: [], totalUs: [], minEvents: Infinity, failures: 0 }]));
  const one = async (i: number, record: boolean) => {
    const target = targets[i] as Target;
    const times = out.get(target.name) as StreamTimes;
    try {
      const s = await streamOnce(pools[i] as Pool, target, false);
      if (!record) return;
      times.ttfbUs.push(s.ttfbUs);
      times.totalUs.push(s.totalUs);
      times.minEvents = Math.min(times.minEvents, s.events);
    } catch (err) {
      times.failures++;
      times.lastError = (err as Error).message;
    }
  };
  try {
    await interleave(targets.length, { samples: opts.samples, warmup: opts.warmup, block: opts.block ?? 10 }, one);
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  return out;
}

export interface Pacing {
  /** Gaps between consecutive content events, milliseconds. */
  gapsMs: number[];
  /** First to last content event, milliseconds (ideal: (chunks − 1) × delay). */
  spanMs: number[];
  events: number;
  failures: number;
  lastError?: string;
}

/**
 * Streams of `chunks` content chunks with the sandbox waiting between them (the caller sets
 * `tokens=N,chunk-delay=MS` on the targets' keys). A proxy that relays as it receives shows the
 * same gaps as the sandbox; one that holds chunks back shows bunches (gaps near zero).
 */
export async function streamPacing(targets: readonly Target[], opts: { chunks: number; streams: number }): Promise<Map<string, Pacing>> {
  const out = new Map<string, Pacing>();
  for (const target of targets) {
    const pool = new Pool(target.origin, { connections: 1, keepAliveTimeout: 60_000 });
    const pacing: Pacing = { gapsMs: [], spanMs: [], events: 0, failures: 0 };
    try {
      for (let n = 0; n < opts.streams; n++) {
        try {
          const s = await streamOnce(pool, target, true);
          pacing.events = s.events;
          // Events: the role chunk, then `chunks` paced content chunks, then finish, usage, [DONE].
          // The content chunks are the `chunks` events that follow the first one.
          const content = s.eventTimesMs.slice(1, opts.chunks + 1);
          for (let k = 1; k < content.length; k++) pacing.gapsMs.push((content[k] as number) - (content[k - 1] as number));
          if (content.length > 1) pacing.spanMs.push((content[content.length - 1] as number) - (content[0] as number));
        } catch (err) {
          pacing.failures++;
          pacing.lastError = (err as Error).message;
        }
      }
    } finally {
      await pool.close();
    }
    out.set(target.name, pacing);
  }
  return out;
}
