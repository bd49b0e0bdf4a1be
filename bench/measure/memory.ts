// Memory per open stream: the RSS of the server process before and while it holds N streams that
// the sandbox keeps open (the `hang` fault: a few chunks, then silence on a live connection).
import { Pool } from "undici";
import { chatRequest, type Target } from "../target.ts";
import { streamOnce } from "./stream.ts";

export interface OpenStreams {
  requested: number;
  /** Streams whose first SSE event reached the client. */
  opened: number;
  rssBeforeBytes: number;
  rssWithBytes: number;
  /** (rssWith − rssBefore) / opened. */
  perStreamBytes: number;
  /** (heapUsed + external) growth / opened: steadier than the RSS, which the allocator pads. */
  heapPerStreamBytes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `setFault` sets the sandbox fault of the target's upstream key (null clears it). */
export async function openStreamsRss(
  target: Target,
  setFault: (fault: string | null) => Promise<void>,
  opts: { streams: number; warmup: number; timeoutMs?: number; settleMs?: number },
): Promise<OpenStreams> {
  // Warm the server's code paths and pools first, so the delta is the streams, not the JIT.
  const warm = new Pool(target.origin, { connections: 4 });
  try {
    const plain = chatRequest(target);
    for (let i = 0; i < opts.warmup; i++) {
      const res = await warm.request({ path: plain.path, method: "POST", headers: plain.headers, body: plain.body });
      await res.body.arrayBuffer();
      if (i % 5 === 0) await streamOnce(warm, target, false);
    }
  } finally {
    await warm.close();
  }
  await sleep(opts.settleMs ?? 1000);
  const collect = () => target.server.rpc("gc").catch(() => undefined);
  // JS heap + off-heap buffers, from the child itself (NaN for servers without IPC).
  const heap = () =>
    target.server
      .rpc<NodeJS.MemoryUsage>("memory")
      .then((m) => m.heapUsed + m.external)
      .catch(() => Number.NaN);
  await collect();
  await sleep(500);
  await collect();
  const rssBeforeBytes = await target.server.rss();
  const heapBefore = await heap();

  await setFault("hang=5");
  const pool = new Pool(target.origin, { connections: opts.streams, keepAliveTimeout: 60_000 });
  const { path, headers, body } = chatRequest(target, { stream: true });
  let opened = 0;
  const waits = Array.from({ length: opts.streams }, async () => {
    const res = await pool.request({ path, method: "POST", headers, body });
    if (res.statusCode !== 200) {
      await res.body.text();
      return;
    }
    // Resolve at the first SSE event; the rest of the body stays unread on an open connection.
    await new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        if (chunk.includes("data:")) {
          res.body.off("data", onData);
          res.body.pause();
          opened++;
          resolve();
        }
      };
      res.body.on("data", onData);
      res.body.once("error", () => resolve());
      res.body.once("end", () => resolve());
    });
  });
  let settled = false;
  void Promise.allSettled(waits).then(() => (settled = true));
  // Wait until every stream is open, or no more open for 3 s (a server may queue the rest).
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last = -1;
  let lastProgress = Date.now();
  while (!settled && Date.now() < deadline && Date.now() - lastProgress < 3000) {
    if (opened !== last) {
      last = opened;
      lastProgress = Date.now();
    }
    await sleep(100);
  }
  await sleep(opts.settleMs ?? 1000);
  await collect();
  const rssWithBytes = await target.server.rss();
  const heapWith = await heap();
  await pool.destroy();
  await setFault(null);
  return {
    requested: opts.streams,
    opened,
    rssBeforeBytes,
    rssWithBytes,
    perStreamBytes: opened > 0 ? (rssWithBytes - rssBeforeBytes) / opened : Number.NaN,
    heapPerStreamBytes: opened > 0 ? (heapWith - heapBefore) / opened : Number.NaN,
  };
}
