// OpenAI as the generation pipeline sees it: the key in `Authorization: Bearer`, errors as
// {"error":{"message","type","param","code"}} (a spent quota is a 429 `insufficient_quota`, an
// unknown model a 404 `model_not_found`), ids `chatcmpl-…` / `resp_…`, and the request id in
// x-request-id with openai-processing-ms beside it.

import type { Call } from "../../call.ts";
import type { Dialect, Rejection } from "../../generate.ts";
import { bearerKey } from "../openrouter.ts";
import { findOpenaiModel } from "./models.ts";

export interface OpenaiError {
  status: number;
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

export function openaiErrorBody(e: OpenaiError): string {
  return JSON.stringify({ error: { message: e.message, type: e.type, param: e.param ?? null, code: e.code ?? null } });
}

const mask = (key: string) => (key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : "****");

/** A refusal in OpenAI's words and statuses. */
export function openaiRejection(r: Rejection, req: { presented: string | undefined }): OpenaiError {
  switch (r.kind) {
    case "unauthorized":
      return req.presented === undefined
        ? { status: 401, type: "invalid_request_error", message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)." }
        : { status: 401, type: "invalid_request_error", code: "invalid_api_key", message: `Incorrect API key provided: ${mask(req.presented)}. You can find your API key at https://platform.openai.com/account/api-keys.` };
    case "rate_limited":
      return { status: 429, type: "requests", code: "rate_limit_exceeded", message: "Rate limit reached for requests per min (RPM). Please try again later." };
    case "payment":
      return { status: 429, type: "insufficient_quota", code: "insufficient_quota", message: "You exceeded your current quota, please check your plan and billing details." };
    case "unknown_model":
      return { status: 404, type: "invalid_request_error", code: "model_not_found", message: `The model \`${r.message ?? ""}\` does not exist or you do not have access to it.` };
    case "context_length":
      return { status: 400, type: "invalid_request_error", param: "messages", code: "context_length_exceeded", message: r.message ?? "" };
    case "bad_body":
      return { status: 400, type: "invalid_request_error", message: "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)" };
    case "body_too_large":
      return { status: 413, type: "invalid_request_error", message: "Request too large." };
    case "fault":
      return r.status >= 500
        ? { status: r.status, type: "server_error", message: "The server had an error while processing your request. Sorry about that!" }
        : { status: r.status, type: "invalid_request_error", message: `Sandbox fault ${r.status}.` };
    default: {
      // "messages[0].role: must be …" → param "messages[0].role"
      const message = r.message ?? "Invalid request.";
      const colon = message.indexOf(": ");
      const param = colon > 0 && !message.slice(0, colon).includes(" ") ? message.slice(0, colon) : null;
      return { status: 400, type: "invalid_request_error", param, message };
    }
  }
}

function requestId(call: Call): string {
  return `req_${call.id.slice(-20)}`;
}

export const openaiDialect: Dialect = {
  presentedKey: bearerKey,
  findModel: findOpenaiModel,
  reject(r, call, req) {
    const error = openaiRejection(r, { presented: bearerKey(req) });
    return { status: error.status, body: openaiErrorBody(error), headers: { "x-request-id": requestId(call), ...r.headers } };
  },
  answerHeaders: (call) => ({ "x-request-id": requestId(call), "openai-processing-ms": String(Math.max(1, Date.now() - call.startedAt)), "openai-version": "2020-10-01" }),
  answerId: (call) => (call.path.endsWith("/responses") ? `resp_${call.id.slice(4).replace(/-/g, "")}` : `chatcmpl-${call.id.slice(4).replace(/-/g, "")}`),
};
