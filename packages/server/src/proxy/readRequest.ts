// The request as the proxy needs it: raw bytes (forwarded untouched) and the few fields that
// drive admission (model, stream, max_tokens). Bad input ends here, never upstream.
import type { IncomingMessage } from "node:http";
import { ProxyError } from "./errors.js";

export interface CallRequest {
  /** Models the call may be served by: `model` plus OpenRouter's `models` fallback list. */
  models: string[];
  model: string | null;
  stream: boolean;
  maxTokens: number | null;
  /** The parsed body, for the fields the hold's bound reads (requestBound.ts). */
  fields: Record<string, unknown>;
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  // The rest of an oversized body is never read: the answer closes the connection.
  const tooLarge = () => new ProxyError("BODY_TOO_LARGE", `Request body exceeds ${maxBytes} bytes.`, { connection: "close" });
  if (declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(tooLarge());
        req.removeAllListeners("data");
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.once("error", reject);
  });
}

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;
const COMPLETION_BOUND_FIELDS = ["max_tokens", "max_completion_tokens"] as const;

export function parseCallRequest(req: IncomingMessage, body: Buffer): CallRequest {
  const type = req.headers["content-type"] ?? "";
  if (!JSON_CONTENT_TYPE.test(type)) throw new ProxyError("BAD_CONTENT_TYPE");
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ProxyError("BAD_JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ProxyError("BAD_REQUEST", "Request body must be a JSON object.");
  }
  const fields = json as Record<string, unknown>;
  const model = fields.model;
  if (model !== undefined && (typeof model !== "string" || model.length === 0)) {
    throw new ProxyError("BAD_REQUEST", "'model' must be a non-empty string.");
  }
  const fallbacks = fields.models;
  if (fallbacks !== undefined && (!Array.isArray(fallbacks) || !fallbacks.every((m) => typeof m === "string" && m))) {
    throw new ProxyError("BAD_REQUEST", "'models' must be an array of model ids.");
  }
  const models = [...new Set([...(typeof model === "string" ? [model] : []), ...((fallbacks as string[] | undefined) ?? [])])];
  if (models.length === 0) throw new ProxyError("BAD_REQUEST", "'model' is required.");
  const stream = fields.stream;
  if (stream !== undefined && typeof stream !== "boolean") throw new ProxyError("BAD_REQUEST", "'stream' must be a boolean.");
  return { models, model: (model as string | undefined) ?? null, stream: stream === true, maxTokens: maxTokensOf(fields), fields };
}

/**
 * The completion bound the caller set. With both fields given the larger one counts (an upstream
 * may honour either), and 0 counts as unset (some providers read it so): the hold must be an
 * upper bound whatever the upstream does.
 */
function maxTokensOf(fields: Record<string, unknown>): number | null {
  let largest: number | null = null;
  for (const name of COMPLETION_BOUND_FIELDS) {
    const v = fields[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new ProxyError("BAD_REQUEST", `'${name}' must be a non-negative integer.`);
    }
    if (v === 0) return null;
    largest = largest === null ? v : Math.max(largest, v);
  }
  return largest;
}
