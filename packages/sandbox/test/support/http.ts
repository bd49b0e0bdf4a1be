// Raw HTTP for integration tests: every byte and when it arrived, so buffering shows.

import { request } from "node:http";

export interface Arrival {
  /** Milliseconds since the request was sent. */
  readonly at: number;
  readonly data: string;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly arrivals: Arrival[];
  readonly text: string;
  /** How the response ended: "end" (complete), "aborted" (socket closed early). */
  readonly ending: "end" | "aborted";
}

export interface RawOptions {
  headers?: Record<string, string>;
  /** Resolve once this many bytes arrived, then leave the connection open (for hang). */
  stopAfterBytes?: number;
  /** Destroy the request once the predicate holds on the text so far (client disconnect). */
  abortWhen?: (text: string) => boolean;
}

export function rawPost(url: string, body: unknown, key: string, opts: RawOptions = {}): Promise<RawResponse & { destroy(): void }> {
  return new Promise((resolve, reject) => {
    const payload = typeof body === "string" ? body : JSON.stringify(body);
    const started = performance.now();
    let settled = false;
    let responded = false;
    const req = request(url, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...opts.headers },
    });
    const destroy = () => req.destroy();
    req.on("error", (err: NodeJS.ErrnoException) => {
      // Once a response started, a reset is reported through its 'close' below; before it, it is the error.
      if (err.code === "ECONNRESET" && responded) return;
      if (!settled) reject(err);
    });
    req.on("response", (res) => {
      responded = true;
      const arrivals: Arrival[] = [];
      let text = "";
      const finish = (ending: "end" | "aborted") => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, arrivals, text, ending, destroy });
      };
      res.setEncoding("utf8");
      res.on("data", (data: string) => {
        arrivals.push({ at: performance.now() - started, data });
        text += data;
        if (opts.abortWhen?.(text)) {
          req.destroy();
          finish("aborted");
        } else if (opts.stopAfterBytes !== undefined && Buffer.byteLength(text) >= opts.stopAfterBytes) {
          finish("aborted");
        }
      });
      res.on("end", () => finish("end"));
      res.on("aborted", () => finish("aborted"));
      res.on("close", () => finish(res.complete ? "end" : "aborted"));
      res.on("error", () => finish("aborted"));
    });
    req.end(payload);
  });
}

export interface SseUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
  is_byok: boolean;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
  cost_details: { upstream_inference_prompt_cost: number; upstream_inference_completions_cost: number };
}

/** The fields of a chat or text completion chunk (or body) the tests read. */
export interface SseChunk {
  id: string;
  object: string;
  provider: string;
  model: string;
  choices: Array<{
    index: number;
    delta?: { role?: string; content?: string };
    message?: { content: string };
    text?: string;
    finish_reason: string | null;
    native_finish_reason: string | null;
  }>;
  usage?: SseUsage;
  error?: { code: number; message: string };
}

/** `data:` payloads of an SSE text, parsed ([DONE] kept as the string). */
export function sseData(text: string): Array<SseChunk | "[DONE]"> {
  const out: Array<SseChunk | "[DONE]"> = [];
  for (const event of text.split("\n\n")) {
    for (const line of event.split("\n")) {
      if (!line.startsWith("data: ")) continue;
      const payload = line.slice(6);
      out.push(payload === "[DONE]" ? "[DONE]" : (JSON.parse(payload) as SseChunk));
    }
  }
  return out;
}

/** The chunks of an SSE text, without [DONE]. */
export function sseChunks(text: string): SseChunk[] {
  return sseData(text).filter((e): e is SseChunk => e !== "[DONE]");
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
