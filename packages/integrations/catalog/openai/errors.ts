// OpenAI's error body: {"error":{"message","type","param","code"}}, with the type its clients
// map to exceptions (invalid_request_error, insufficient_quota, rate_limit, server_error…).
import type { VendoError } from "../../adapters/seam.js";

function typeOf(error: VendoError): { type: string; code: string | null } {
  if (error.status === 401) return { type: "invalid_request_error", code: "invalid_api_key" };
  if (error.status === 402) return { type: "insufficient_quota", code: "insufficient_quota" };
  if (error.status === 403) return { type: "invalid_request_error", code: "permission_denied" };
  if (error.status === 404) return { type: "invalid_request_error", code: "not_found" };
  if (error.status === 429) return { type: "requests", code: "rate_limit_exceeded" };
  if (error.status >= 500) return { type: "server_error", code: null };
  return { type: "invalid_request_error", code: null };
}

export function errorBody(error: VendoError): unknown {
  const { type, code } = typeOf(error);
  return { error: { message: error.message, type, param: null, code } };
}
