// OpenAI's API under the sandbox's /openai prefix (its base URL is <sandbox>/openai/v1, as
// https://api.openai.com/v1 is OpenAI's): chat completions, responses, embeddings, models.

import type { IncomingMessage, ServerResponse } from "node:http";
import { handleGeneration, type Endpoint, type SandboxContext } from "../../generate.ts";
import { openaiChatEndpoint } from "./chat.ts";
import { openaiDialect, openaiErrorBody, openaiRejection } from "./dialect.ts";
import { openaiEmbeddingsEndpoint } from "./embeddings.ts";
import { openaiModelsBody } from "./models.ts";
import { openaiResponsesEndpoint } from "./responses.ts";
import { bearerKey } from "../openrouter.ts";

export const OPENAI_PREFIX = "/openai";

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** The OpenAI routes of one sandbox (its stored responses are its own). Returns null for other paths. */
export function openaiRoutes(ctx: SandboxContext) {
  const endpoints = new Map<string, Endpoint>([openaiChatEndpoint, openaiResponsesEndpoint(new Map()), openaiEmbeddingsEndpoint].map((e) => [e.path, e]));
  return (path: string, req: IncomingMessage, res: ServerResponse): Promise<void> | void | null => {
    if (!path.startsWith(`${OPENAI_PREFIX}/`)) return null;
    const endpoint = endpoints.get(path);
    if (endpoint) {
      if (req.method === "POST") return handleGeneration(ctx, openaiDialect, endpoint, req, res);
      return send(res, 405, openaiErrorBody({ status: 405, type: "invalid_request_error", message: `Invalid method for URL (${req.method} ${path.slice(OPENAI_PREFIX.length)})` }));
    }
    if (path === `${OPENAI_PREFIX}/v1/models` && req.method === "GET") {
      const key = bearerKey(req);
      if (key === undefined || !ctx.keys.get(key)) {
        const error = openaiRejection({ kind: "unauthorized", status: 401 }, { presented: key });
        return send(res, 401, openaiErrorBody(error));
      }
      return send(res, 200, openaiModelsBody);
    }
    send(res, 404, openaiErrorBody({ status: 404, type: "invalid_request_error", message: `Invalid URL (${req.method} ${path.slice(OPENAI_PREFIX.length)})` }));
  };
}
