// Anthropic's error body: {"type":"error","error":{"type","message"},"request_id"}, with the error
// types its clients map (invalid_request_error for a 4xx Anthropic has no type of its own for).
import type { VendoError } from "../../adapters/seam.js";

const TYPES: Readonly<Record<number, string>> = {
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
};

export function errorBody(error: VendoError, requestId: string): unknown {
  const type = TYPES[error.status] ?? (error.status >= 500 ? "api_error" : "invalid_request_error");
  return { type: "error", error: { type, message: error.message }, request_id: requestId };
}
