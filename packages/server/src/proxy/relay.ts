// relay: the upstream answer goes to the client chunk by chunk, as it arrives, bytes untouched
// (unless the adapter rewrote the request, and filters out of the answer what only the rewrite
// brought), while the meter reads a copy. If the client leaves, reading goes on (bounded in time
// and bytes) so the real usage is learned and charged.
import type { ServerResponse } from "node:http";
import type { AnswerFilter, Meter } from "@vendo/integrations/adapters";
import type { UpstreamResponse } from "./upstream.js";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "set-cookie",
  // The proxy's CORS policy is its own (cors.ts): an upstream's `*` must never reach a browser.
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-expose-headers",
  "access-control-max-age",
]);

export interface RelayOutcome {
  /** The client went away before the answer was complete. */
  clientAborted: boolean;
  /** The upstream connection broke, or was cut by the drain bounds, before the answer ended. */
  upstreamBroke: boolean;
  bytes: number;
}

export interface RelayOptions {
  requestId: string;
  drainTimeoutMs: number;
  drainMaxBytes: number;
  /** An event stream (flushed as it comes) rather than one JSON body. */
  streaming: boolean;
  /** Called once with the generation id as soon as it is known (header or first event). */
  onGeneration?: (generationId: string) => void;
  /** The answer header that names the upstream's id of the call (the adapter's), if any. */
  generationHeader?: string | null;
  /** Takes out of the answer what the request's rewrite added (the adapter's), if anything. */
  filter?: AnswerFilter | null;
  /** Vendo's own headers to add to the answer (e.g. what fit_to_balance did). */
  headers?: Record<string, string>;
}

export function relay(upstream: UpstreamResponse, res: ServerResponse, meter: Meter, options: RelayOptions): Promise<RelayOutcome> {
  const filter = options.filter ?? null;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    // A filtered answer's length changes: it goes chunked.
    if (filter && name === "content-length") continue;
    // Vendo's own request id is the client's handle on the call; the upstream's is kept beside it.
    headers[name === "x-request-id" ? "x-upstream-request-id" : name] = value;
  }
  Object.assign(headers, { "x-request-id": options.requestId }, options.headers);
  res.writeHead(upstream.statusCode, headers);
  // A stream's headers go out now, so nothing waits for its first event; a JSON answer's go out
  // with its body, in one write.
  if (options.streaming) res.flushHeaders();

  let generationSent = false;
  const headerGeneration = options.generationHeader ? upstream.headers[options.generationHeader] : undefined;
  const reportGeneration = (id: string | null) => {
    if (id && !generationSent && options.onGeneration) {
      generationSent = true;
      options.onGeneration(id);
    }
  };
  reportGeneration(typeof headerGeneration === "string" ? headerGeneration : null);

  const body = upstream.body;
  return new Promise<RelayOutcome>((resolve) => {
    let clientAborted = false;
    let bytes = 0;
    let drained = 0;
    let drainTimer: NodeJS.Timeout | null = null;
    let done = false;

    const finish = (upstreamBroke: boolean) => {
      if (done) return;
      done = true;
      if (drainTimer) clearTimeout(drainTimer);
      res.off("close", onClientClose);
      if (!clientAborted) {
        if (upstreamBroke) res.destroy();
        else res.end(filter ? filter.end() : undefined);
      }
      resolve({ clientAborted, upstreamBroke, bytes });
    };

    const onClientClose = () => {
      if (done || res.writableFinished) return;
      clientAborted = true;
      body.resume();
      drainTimer = setTimeout(() => body.destroy(), options.drainTimeoutMs);
      drainTimer.unref();
    };
    res.on("close", onClientClose);
    // A client that left while the call was admitted and forwarded closed before relay listened:
    // its socket tells, and draining starts right away.
    if (res.destroyed || res.req.socket.destroyed) onClientClose();

    body.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      meter.push(chunk);
      if (!generationSent) reportGeneration(meter.generationId());
      if (clientAborted) {
        drained += chunk.length;
        if (drained > options.drainMaxBytes) body.destroy();
        return;
      }
      const out = filter ? filter.push(chunk) : chunk;
      if (out.length > 0 && !res.write(out)) {
        body.pause();
        res.once("drain", () => body.resume());
      }
    });
    body.once("end", () => finish(false));
    body.once("error", () => finish(true));
    body.once("close", () => finish(!body.readableEnded));
  });
}

/** An upstream error answer, passed on as it came (it is the upstream's word, in its shape). */
export async function relayError(upstream: UpstreamResponse, res: ServerResponse, requestId: string): Promise<void> {
  const text = await readAtMost(upstream.body, MAX_ERROR_BODY_BYTES);
  const type = upstream.headers["content-type"];
  res.writeHead(upstream.statusCode, {
    "content-type": typeof type === "string" ? type : "application/json",
    "x-request-id": requestId,
  });
  res.end(text);
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** An error body is relayed whole up to a bound; past it, the rest is dropped with the connection. */
async function readAtMost(body: UpstreamResponse["body"], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      chunks.push(buf.subarray(0, maxBytes - size));
      size += buf.length;
      if (size >= maxBytes) {
        body.destroy();
        break;
      }
    }
  } catch {
    // a broken error body is relayed as far as it came
  }
  return Buffer.concat(chunks).toString("utf8");
}
