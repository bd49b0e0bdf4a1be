// The request as the proxy needs it: the body's bytes (decoded if compressed; forwarded as they
// are then) and, for an adapter that reads JSON, the parsed body (the adapter reads the fields
// that drive admission). Bad input ends here, never upstream.
import type { IncomingMessage } from "node:http";
import { decodeBody, requestEncodings } from "./decodeBody.js";
import { ProxyError } from "./errors.js";
import { nestsDeeperThan } from "./jsonDepth.js";

/**
 * Deepest nesting of arrays/objects a body may have. Real requests stay far below it (a tool's
 * JSON schema adds a level or two per property); V8 parses deeper text, but recursive code after
 * it (ours, a serializer, the upstream's parser) may not.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Reads the whole body, at most `maxBytes` as sent and, when it has a Content-Encoding (gzip,
 * deflate, br), at most `maxBytes` once decoded; returns the decoded bytes. Errors:
 * BODY_TOO_LARGE (413), UNSUPPORTED_ENCODING (415), BAD_ENCODING (400).
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const codings = requestEncodings(req.headers["content-encoding"]);
  const raw = await readRaw(req, maxBytes);
  return codings.length === 0 ? raw : decodeBody(raw, codings, maxBytes);
}

function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
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

/**
 * Parses a JSON call body into an object, before the adapter reads its fields. Errors:
 * BAD_CONTENT_TYPE, JSON_TOO_DEEP, BAD_JSON, BAD_REQUEST (400).
 */
export function parseJsonBody(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const type = req.headers["content-type"] ?? "";
  if (!JSON_CONTENT_TYPE.test(type)) throw new ProxyError("BAD_CONTENT_TYPE");
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new ProxyError("JSON_TOO_DEEP", `Request body nests arrays/objects more than ${MAX_JSON_DEPTH} deep.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ProxyError("BAD_JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ProxyError("BAD_REQUEST", "Request body must be a JSON object.");
  }
  return json as Record<string, unknown>;
}
