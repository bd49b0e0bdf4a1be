// Anthropic as the generation pipeline sees it: the key in `x-api-key`, errors as
// {"type":"error","error":{"type","message"},"request_id"} with Anthropic's types and statuses (a
// spent credit balance is a 400, an unknown model a 404 `model: …`, a fault of 529 `overloaded_error`),
// `msg_…` ids, and the request id in `request-id`.

import type { IncomingMessage } from "node:http";
import type { Call } from "../../call.ts";
import type { Dialect, Rejection } from "../../generate.ts";
import { bearerKey } from "../openrouter.ts";
import { findAnthropicModel } from "./models.ts";

/** The key in `x-api-key`, or (as the official client sends it since 2026) `Authorization: Bearer`. */
export function anthropicKey(req: IncomingMessage): string | undefined {
  const key = req.headers["x-api-key"];
  if (typeof key === "string" && key !== "") return key;
  return bearerKey(req);
}

const TYPES: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

export function anthropicRequestId(call: Call): string {
  return `req_${call.id.slice(-24)}`;
}

export function anthropicErrorBody(status: number, message: string, requestId: string): string {
  const type = TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return JSON.stringify({ type: "error", error: { type, message }, request_id: requestId });
}

function rejection(r: Rejection): { status: number; message: string } {
  switch (r.kind) {
    case "unauthorized": return { status: 401, message: "invalid x-api-key" };
    case "rate_limited": return { status: 429, message: "Number of requests has exceeded your per-minute rate limit." };
    case "payment": return { status: 400, message: "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits." };
    case "unknown_model": return { status: 404, message: `model: ${r.message ?? ""}` };
    case "body_too_large": return { status: 413, message: "Request exceeds the maximum allowed number of bytes." };
    case "bad_body": return { status: 400, message: "There was an issue with the format or content of your request: the body is not valid JSON." };
    case "context_length": return { status: 400, message: `prompt is too long: ${r.message ?? ""}` };
    case "fault":
      return { status: r.status, message: r.status === 529 ? "Overloaded" : r.status >= 500 ? "Internal server error" : `Sandbox fault ${r.status}` };
    default: return { status: 400, message: r.message ?? "Invalid request." };
  }
}

export const anthropicDialect: Dialect = {
  presentedKey: anthropicKey,
  findModel: findAnthropicModel,
  reject(r, call) {
    const { status, message } = rejection(r);
    const requestId = anthropicRequestId(call);
    return { status, body: anthropicErrorBody(status, message, requestId), headers: { "request-id": requestId, ...r.headers } };
  },
  answerHeaders: (call) => ({ "request-id": anthropicRequestId(call) }),
  answerId: (call) => `msg_${call.id.slice(4).replace(/-/g, "")}`,
};
