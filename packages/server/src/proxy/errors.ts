// Every error the proxy answers with, in one place: a stable code, the HTTP status, and the
// OpenRouter-shaped body `{"error":{"code":status,"message":…}}`. Branch on `code`, never on text.
import type { ServerResponse } from "node:http";

const proxyErrors = {
  BAD_JSON: { status: 400, message: "Request body is not valid JSON." },
  BAD_CONTENT_TYPE: { status: 400, message: "Content-Type must be application/json." },
  BAD_REQUEST: { status: 400, message: "Invalid request." },
  MISSING_KEY: { status: 401, message: "Missing Authorization header: send 'Authorization: Bearer vendo_sk_…'." },
  INVALID_KEY: { status: 401, message: "Invalid API key." },
  MANAGEMENT_KEY: { status: 401, message: "Management keys (vendo_mk_) are for the control API; use a vendo_sk_ key here." },
  KEY_DISABLED: { status: 401, message: "This API key is disabled." },
  KEY_EXPIRED: { status: 401, message: "This API key has expired." },
  INSUFFICIENT_CREDITS: { status: 402, message: "Insufficient credits: the balance cannot cover this request." },
  KEY_LIMIT: { status: 402, message: "This key's spending limit is reached." },
  WRONG_INTEGRATION: { status: 403, message: "This key is not valid for this integration." },
  MODEL_NOT_ALLOWED: { status: 403, message: "This key may not use that model." },
  TENANT_SUSPENDED: { status: 403, message: "This account is suspended." },
  NOT_FOUND: { status: 404, message: "Not found." },
  BODY_TOO_LARGE: { status: 413, message: "Request body too large." },
  RATE_LIMITED: { status: 429, message: "Rate limit exceeded for this key." },
  UPSTREAM_UNAVAILABLE: { status: 502, message: "The upstream provider is unavailable." },
  NO_UPSTREAM_CREDENTIAL: { status: 503, message: "No upstream credential is available for this integration." },
  PRICE_UNKNOWN: { status: 503, message: "Prices for this integration are not available yet; try again shortly." },
  STORE_UNAVAILABLE: { status: 503, message: "The ledger is unavailable; the request was not forwarded." },
  RATE_LIMITER_UNAVAILABLE: { status: 503, message: "Rate limiting is unavailable; the request was not forwarded." },
} as const satisfies Record<string, { status: number; message: string }>;

type ProxyErrorCode = keyof typeof proxyErrors;

export class ProxyError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProxyErrorCode,
    message?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? proxyErrors[code].message);
    this.status = proxyErrors[code].status;
  }
}

export function sendError(res: ServerResponse, error: ProxyError, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, { error: { code: error.status, message: error.message } }, requestId, error.headers);
}

/** A JSON answer: headers and body in one write. */
export function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-request-id": requestId, ...headers });
  res.end(text);
}
