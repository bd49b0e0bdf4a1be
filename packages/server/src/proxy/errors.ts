// Every error the proxy answers with, in one place: a stable code, the HTTP status and a message.
// The body takes the shape of the integration's upstream (its adapter's errorBody), so a client
// reads Vendo's errors as it reads its provider's; Vendo's default shape otherwise. Branch on
// `code`, never on text.
import type { ServerResponse } from "node:http";
import { defaultErrorBody, type VendoError } from "@vendo/integrations/adapters";

const proxyErrors = {
  BAD_JSON: { status: 400, message: "Request body is not valid JSON." },
  BAD_CONTENT_TYPE: { status: 400, message: "Content-Type must be application/json." },
  BAD_REQUEST: { status: 400, message: "Invalid request." },
  BAD_ENCODING: { status: 400, message: "Request body does not match its Content-Encoding." },
  JSON_TOO_DEEP: { status: 400, message: "Request body nests JSON too deeply." },
  MISSING_KEY: { status: 401, message: "Missing API key: send 'Authorization: Bearer vendo_sk_…'." },
  INVALID_KEY: { status: 401, message: "Invalid API key." },
  MANAGEMENT_KEY: { status: 401, message: "Management keys (vendo_mk_) are for the control API; use a vendo_sk_ key here." },
  KEY_DISABLED: { status: 401, message: "This API key is disabled." },
  KEY_EXPIRED: { status: 401, message: "This API key has expired." },
  INSUFFICIENT_CREDITS: { status: 402, message: "Insufficient credits: the balance cannot cover this request." },
  KEY_LIMIT: { status: 402, message: "This key's spending limit is reached." },
  WRONG_INTEGRATION: { status: 403, message: "This key is not valid for this integration." },
  MODEL_NOT_ALLOWED: { status: 403, message: "This key may not use that model." },
  TENANT_SUSPENDED: { status: 403, message: "This account is suspended." },
  ORIGIN_NOT_ALLOWED: { status: 403, message: "No key allows calls from this origin; add it to the key's allowed origins." },
  NOT_FOUND: { status: 404, message: "Not found." },
  BODY_TOO_LARGE: { status: 413, message: "Request body too large." },
  UNSUPPORTED_ENCODING: { status: 415, message: "Unsupported Content-Encoding: use gzip, deflate or br." },
  RATE_LIMITED: { status: 429, message: "Rate limit exceeded for this key." },
  UPSTREAM_RATE_LIMITED: { status: 429, message: "The upstream provider is rate limiting; retry after the time in Retry-After. Nothing was charged." },
  CLIENT_GONE: { status: 499, message: "The client closed the connection before the upstream answered; nothing was charged." },
  UPSTREAM_UNAVAILABLE: { status: 502, message: "The upstream provider is unavailable." },
  UPSTREAM_NO_ANSWER: {
    status: 502,
    message:
      "The upstream provider received the request but did not answer; it may still bill it. Vendo did not send it again and will price it from the provider's own record.",
  },
  NO_UPSTREAM_CREDENTIAL: { status: 503, message: "No upstream credential is available for this integration." },
  PRICE_UNKNOWN: { status: 503, message: "Prices for this integration are not available yet; try again shortly." },
  STORE_UNAVAILABLE: { status: 503, message: "The ledger is unavailable; the request was not forwarded." },
  RATE_LIMITER_UNAVAILABLE: { status: 503, message: "Rate limiting is unavailable; the request was not forwarded." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ProxyErrorCode = keyof typeof proxyErrors;

export class ProxyError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProxyErrorCode,
    message?: string,
    readonly headers: Record<string, string> = {},
    /** A 402: which limit refused the call and the amounts (the adapter renders it its way). */
    readonly limit: VendoError["limit"] = null,
  ) {
    super(message ?? proxyErrors[code].message);
    this.status = proxyErrors[code].status;
  }
}

/** Renders an error body in an upstream's shape (an adapter's errorBody). */
export type ErrorBody = (error: VendoError, requestId: string) => unknown;

export function sendError(res: ServerResponse, error: ProxyError, requestId: string, render: ErrorBody = defaultErrorBody): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = render({ status: error.status, code: error.code, message: error.message, limit: error.limit }, requestId);
  sendJson(res, error.status, body, requestId, error.headers);
}

/** A JSON answer: headers and body in one write. */
export function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-request-id": requestId, ...headers });
  res.end(text);
}
