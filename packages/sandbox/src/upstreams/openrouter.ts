// OpenRouter as the generation pipeline sees it: the key in `Authorization: Bearer`, errors as
// {"error":{"code":N,"message":…}}, the `gen-…` id in the body and in X-Generation-Id.

import type { IncomingMessage } from "node:http";
import type { Dialect } from "../generate.ts";
import { findModel } from "../models.ts";
import { errorBody, errorMessage } from "../respond.ts";

/** The key of an `Authorization: Bearer <key>` header. */
export function bearerKey(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (!authorization || authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== "bearer ") return undefined;
  return authorization.slice(7).trim();
}

export const openrouterDialect: Dialect = {
  presentedKey: bearerKey,
  findModel,
  reject(r, call) {
    const message = r.kind === "unknown_model" ? `${r.message} is not a valid model ID` : (r.message ?? errorMessage(r.status));
    return { status: r.status, body: errorBody(r.status, message), headers: { "x-generation-id": call.id, ...r.headers } };
  },
  answerHeaders: (call) => ({ "x-generation-id": call.id }),
  answerId: (call) => call.id,
};
