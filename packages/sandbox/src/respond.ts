// Writing JSON answers and OpenRouter-shaped errors, reading request bodies.

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

/** Default messages, in OpenRouter's words where it has some. */
const MESSAGES: Readonly<Record<number, string>> = {
  400: "Bad request",
  401: "No auth credentials found",
  402: "Insufficient credits. Add more using https://openrouter.ai/credits",
  403: "Forbidden",
  404: "Not Found",
  408: "Request timed out",
  413: "Request body too large",
  429: "Rate limit exceeded",
  500: "Internal Server Error",
  502: "Provider returned error",
  503: "No available providers for this request",
};

export function errorMessage(status: number): string {
  return MESSAGES[status] ?? `Sandbox fault ${status}`;
}

/** `{"error":{"code":N,"message":"…"}}`. */
export function errorBody(status: number, message: string = errorMessage(status)): string {
  return `{"error":{"code":${status},"message":${JSON.stringify(message)}}}`;
}

export function sendJson(res: ServerResponse, status: number, body: string, headers?: OutgoingHttpHeaders): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, message?: string, headers?: OutgoingHttpHeaders): void {
  sendJson(res, status, errorBody(status, message), headers);
}

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  readonly code = "body_too_large";
}

/** Reads the whole body; rejects with BodyTooLargeError beyond MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError(`body exceeds ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
