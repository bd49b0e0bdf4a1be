// OpenRouter's error body: {"error":{"code":<status>,"message":"…","metadata":{…}}}; a 402 says
// which limit refused the call in metadata.limit_source, with the amounts asked and available.
import type { VendoError } from "../../adapters/seam.js";

export function errorBody(error: VendoError): unknown {
  if (!error.limit) return { error: { code: error.status, message: error.message } };
  const metadata = {
    limit_source: error.limit.source === "key" ? "openrouter_key_limit" : "openrouter_credits",
    requested_usd: error.limit.requestedUsd,
    available_usd: error.limit.availableUsd,
  };
  return { error: { code: error.status, message: error.message, metadata } };
}
