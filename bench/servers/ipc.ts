// The child side of bench/child.ts: report "ready" with the URL, answer rpc calls, stop on request.
// Every child answers the common handlers (memory, gc, event-loop delay) besides its own.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

export interface ChildApp {
  url: string;
  close(): Promise<void>;
  handlers?: Record<string, (args: unknown) => unknown>;
}

interface ParentMessage {
  type: string;
  id?: number;
  args?: unknown;
}

export function childConfig<T>(): T {
  const raw = process.env.BENCH_CHILD;
  if (!raw) throw new Error("BENCH_CHILD is not set: this file is started by the bench harness");
  return JSON.parse(raw) as T;
}

/** What `loopDelayStop` answers: the event loop's delay while it was watched, milliseconds. */
export interface LoopDelay {
  /** The sampling interval; Node records each interval between timer ticks, so the delay is that less this. */
  resolutionMs: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/**
 * Starts and stops `monitorEventLoopDelay` (the bench's event-loop delay figure). Node records the
 * interval between ticks of a `resolutionMs` timer; the delay reported is that interval less the
 * resolution (0 when the loop was never late).
 */
function loopDelayHandlers(): Record<string, (args: unknown) => unknown> {
  let histogram: IntervalHistogram | null = null;
  let resolutionMs = 1;
  const ms = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);
  return {
    loopDelayStart(args) {
      histogram?.disable();
      resolutionMs = (args as { resolutionMs?: number } | undefined)?.resolutionMs ?? 1;
      histogram = monitorEventLoopDelay({ resolution: resolutionMs });
      histogram.enable();
      return null;
    },
    loopDelayStop(): LoopDelay {
      if (!histogram) throw new Error("loopDelayStop without loopDelayStart");
      const h = histogram;
      h.disable();
      histogram = null;
      return { resolutionMs, samples: h.count, p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean) };
    },
  };
}

export async function serveChild(start: () => Promise<ChildApp>): Promise<void> {
  const app = await start();
  const handlers: Record<string, (args: unknown) => unknown> = {
    rss: () => process.memoryUsage().rss,
    memory: () => process.memoryUsage(),
    gc: () => (globalThis as { gc?: () => void }).gc?.(),
    ...loopDelayHandlers(),
    ...app.handlers,
  };
  process.on("message", (message: ParentMessage) => {
    if (message.type === "stop") {
      void app.close().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[message.type];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown rpc ${message.type}`);
        return handler(message.args);
      })
      .then(
        (result) => process.send?.({ type: "reply", id: message.id, result }),
        (error: unknown) => process.send?.({ type: "reply", id: message.id, error: String((error as Error)?.stack ?? error) }),
      );
  });
  // The parent went away (crash, Ctrl-C): do not linger.
  process.on("disconnect", () => process.exit(0));
  process.send?.({ type: "ready", url: app.url });
}
