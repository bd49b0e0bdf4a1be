// Real LLM traffic: N streamed completions open at once, each paced by the sandbox (first byte
// after a latency, then chunks some milliseconds apart), read by this process. The load generator
// must not be the bottleneck, so it does as little as it can per chunk: one undici dispatch per
// stream with raw callbacks (no Readable, no decoding), and per SSE event only a timestamp written
// into preallocated arrays; everything else is computed after the streams end. Its own event-loop
// delay is measured so the report can say when it lagged anyway.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Pool, type Dispatcher } from "undici";
import { chatRequest, type Target } from "../target.ts";

export interface PacedStreamsOptions {
  streams: number;
  /** Content chunks per stream (the sandbox fault's `tokens`). */
  chunks: number;
  /** Give up on streams not finished this long after they were sent. */
  timeoutMs: number;
}

export interface PacedStreams {
  requested: number;
  /** Streams that answered 200 and ended with every content chunk. */
  completed: number;
  failed: number;
  /** Why streams failed: "HTTP 502", an error message, "ended after N events", "timed out", with counts. */
  failures: Record<string, number>;
  /** Streams whose first body byte arrived. */
  opened: number;
  /** Most SSE events seen in one stream. */
  maxEvents: number;
  /** Send → first body byte of each completed stream, milliseconds. */
  ttfbMs: number[];
  /** Gaps between consecutive content chunks of every completed stream, milliseconds. */
  gapsMs: number[];
  /** First to last content chunk of each completed stream, milliseconds. */
  spanMs: number[];
  /** First send to last stream end, milliseconds. */
  wallMs: number;
  /** This process's event-loop delay while the streams ran (p99 and max, ms; resolution subtracted). */
  loadLoopDelayP99Ms: number;
  loadLoopDelayMaxMs: number;
  /** This process's CPU time while the streams ran, milliseconds (user + system, all threads). */
  loadCpuMs: number;
}

const LFLF = Buffer.from("\n\n");
const LF = 0x0a;
// Events of a chat stream around its content chunks: the processing comment and the role chunk
// before them, the finish chunk, the usage chunk and [DONE] after.
const EVENTS_AFTER_CONTENT = 3;
const EXTRA_EVENT_SLOTS = 8;

/**
 * Sends `streams` streamed chat completions to `target` at once, over a pool with one connection
 * each, and records the arrival time of every SSE event. The caller sets the pacing (a sandbox
 * fault on the target's upstream key) and warms the connections first if it wants them open.
 */
export async function pacedStreams(target: Target, pool: Pool, opts: PacedStreamsOptions): Promise<PacedStreams> {
  const { path, headers, body } = chatRequest(target, { stream: true });
  const n = opts.streams;
  const slots = opts.chunks + EVENTS_AFTER_CONTENT + EXTRA_EVENT_SLOTS;
  const times = new Float64Array(n * slots);
  const events = new Int32Array(n);
  const sentAt = new Float64Array(n);
  const firstByte = new Float64Array(n).fill(Number.NaN);
  const endedAt = new Float64Array(n).fill(Number.NaN);
  const statuses = new Int32Array(n);
  const errors: Array<string | undefined> = new Array(n);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const controllers: Array<Dispatcher.DispatchController | undefined> = new Array(n);
  const finished = new Uint8Array(n);
  const done = Array.from(
    { length: n },
    (_, i) =>
      new Promise<void>((resolve) => {
        const base = i * slots;
        // A "\n\n" may straddle two reads: remember a trailing "\n" that ended no event.
        let pendingLf = false;
        sentAt[i] = performance.now() - t0;
        const handler: Dispatcher.DispatchHandler = {
          onRequestStart(controller) {
            controllers[i] = controller;
          },
          onResponseStart(_controller, statusCode) {
            statuses[i] = statusCode;
          },
          onResponseData(_controller, chunk) {
            const now = performance.now() - t0;
            if (Number.isNaN(firstByte[i] as number)) firstByte[i] = now;
            let count = events[i] as number;
            let from = 0;
            if (pendingLf && chunk[0] === LF) {
              if (count < slots) times[base + count] = now;
              count++;
              from = 1;
            }
            for (let at = chunk.indexOf(LFLF, from); at !== -1; at = chunk.indexOf(LFLF, from)) {
              if (count < slots) times[base + count] = now;
              count++;
              from = at + 2;
            }
            pendingLf = chunk.length > from && chunk[chunk.length - 1] === LF;
            events[i] = count;
          },
          onResponseEnd() {
            endedAt[i] = performance.now() - t0;
            finished[i] = 1;
            resolve();
          },
          onResponseError(_controller, error) {
            errors[i] = error.message;
            finished[i] = 1;
            resolve();
          },
        };
        pool.dispatch({ path, method: "POST", headers, body, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs }, handler);
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, opts.timeoutMs);
  });
  await Promise.race([Promise.all(done), timedOut]);
  clearTimeout(timer);
  loop.disable();
  const cpu = process.cpuUsage(cpuBefore);
  // Streams still open past the deadline are failures: cut them (the caller destroys the pool,
  // which fails any request still queued in it).
  for (let i = 0; i < n; i++) {
    const c = controllers[i];
    if (!finished[i] && c && !c.aborted) c.abort(new Error("paced stream timed out"));
  }

  const ttfb: number[] = [];
  const gaps: number[] = [];
  const spans: number[] = [];
  let completed = 0;
  let opened = 0;
  let maxEvents = 0;
  let wallMs = 0;
  const failures: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const count = events[i] as number;
    if (!Number.isNaN(firstByte[i] as number)) opened++;
    maxEvents = Math.max(maxEvents, count);
    const ended = !Number.isNaN(endedAt[i] as number);
    const ok = statuses[i] === 200 && ended && count >= opts.chunks + EVENTS_AFTER_CONTENT && count <= slots;
    if (!ok) {
      const why =
        statuses[i] !== 200 && statuses[i] !== 0
          ? `HTTP ${statuses[i]}`
          : (errors[i] ?? (ended ? `ended after ${count} SSE events` : "timed out"));
      failures[why] = (failures[why] ?? 0) + 1;
      continue;
    }
    completed++;
    wallMs = Math.max(wallMs, endedAt[i] as number);
    ttfb.push((firstByte[i] as number) - (sentAt[i] as number));
    const first = i * slots + count - EVENTS_AFTER_CONTENT - opts.chunks;
    for (let k = 1; k < opts.chunks; k++) gaps.push((times[first + k] as number) - (times[first + k - 1] as number));
    spans.push((times[first + opts.chunks - 1] as number) - (times[first] as number));
  }
  const loopMs = (ns: number) => Math.max(0, ns / 1e6 - 1);
  return {
    requested: n,
    completed,
    failed: n - completed,
    failures,
    opened,
    maxEvents,
    ttfbMs: ttfb,
    gapsMs: gaps,
    spanMs: spans,
    wallMs,
    loadLoopDelayP99Ms: loopMs(loop.percentile(99)),
    loadLoopDelayMaxMs: loopMs(loop.max),
    loadCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** How the untimed wave opens connections: `slice` more requests every `everyMs`. */
export const OPEN_RAMP = { slice: 250, everyMs: 50 };

/** How long the wave's requests must be held upstream so all `connections` are open at once. */
export function openHoldMs(connections: number, settleMs: number): number {
  return settleMs + Math.ceil(connections / OPEN_RAMP.slice) * OPEN_RAMP.everyMs;
}

/**
 * Opens `connections` connections to the target and leaves them idle in `pool`: that many
 * requests, each held upstream by the caller's fault (a latency of at least
 * `openHoldMs(connections, …)`), so the pool must open one connection per request and a proxy one
 * upstream connection per request. They are sent in slices (OPEN_RAMP): thousands of connects at
 * once overflow the server's accept backlog (511 for node:http), and each dropped SYN is retried a
 * second or more later, which no figure should include.
 */
export async function openConnections(
  target: Target,
  pool: Pool,
  connections: number,
  timeoutMs: number,
): Promise<{ ok: number; failures: Record<string, number> }> {
  const { path, headers, body } = chatRequest(target);
  let ok = 0;
  const failures: Record<string, number> = {};
  const fail = (why: string) => (failures[why] = (failures[why] ?? 0) + 1);
  const one = async () => {
    try {
      const res = await pool.request({ path, method: "POST", headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      await res.body.arrayBuffer();
      if (res.statusCode === 200) ok++;
      else fail(`HTTP ${res.statusCode}`);
    } catch (err) {
      fail((err as Error).message);
    }
  };
  const sent: Array<Promise<void>> = [];
  for (let from = 0; from < connections; from += OPEN_RAMP.slice) {
    if (from > 0) await new Promise((r) => setTimeout(r, OPEN_RAMP.everyMs));
    for (let i = from; i < Math.min(connections, from + OPEN_RAMP.slice); i++) sent.push(one());
  }
  await Promise.all(sent);
  return { ok, failures };
}

/** "HTTP 502 × 300, read ECONNRESET × 49": failure reasons, most frequent first. */
export function describeFailures(failures: Record<string, number>): string {
  return Object.entries(failures)
    .sort((a, b) => b[1] - a[1])
    .map(([why, count]) => `${why} × ${count}`)
    .join(", ");
}
