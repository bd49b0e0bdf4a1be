// Anthropic's API under the sandbox's /anthropic prefix (its base URL is <sandbox>/anthropic, as
// https://api.anthropic.com is Anthropic's): messages, token counting (free, not in the audit log),
// models.

import type { IncomingMessage, ServerResponse } from "node:http";
import { handleGeneration, type SandboxContext } from "../../generate.ts";
import { readBody } from "../../respond.ts";
import { anthropicDialect, anthropicErrorBody, anthropicKey } from "./dialect.ts";
import { anthropicCountSchema, anthropicMessagesEndpoint, anthropicProblem, anthropicPromptTokens, versionProblem } from "./messages.ts";
import { anthropicModelsBody, findAnthropicModel } from "./models.ts";

export const ANTHROPIC_PREFIX = "/anthropic";

function send(res: ServerResponse, status: number, body: string, requestId: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "request-id": requestId });
  res.end(body);
}

export function anthropicRoutes(ctx: SandboxContext) {
  let counter = 0;
  const requestId = () => `req_sandbox${(counter++).toString(36).padStart(12, "0")}`;
  const error = (res: ServerResponse, status: number, message: string) => {
    const id = requestId();
    send(res, status, anthropicErrorBody(status, message, id), id);
  };
  const authorized = (req: IncomingMessage, res: ServerResponse): boolean => {
    const key = anthropicKey(req);
    if (key !== undefined && ctx.keys.get(key)) return true;
    error(res, 401, "invalid x-api-key");
    return false;
  };

  async function countTokens(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorized(req, res)) return;
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)).toString("utf8"));
    } catch {
      return error(res, 400, "There was an issue with the format or content of your request: the body is not valid JSON.");
    }
    const problem = versionProblem(req) ?? anthropicProblem(anthropicCountSchema, body);
    if (problem !== null) return error(res, 400, problem);
    const fields = body as Record<string, unknown>;
    if (!findAnthropicModel(String(fields.model))) return error(res, 404, `model: ${String(fields.model)}`);
    send(res, 200, JSON.stringify({ input_tokens: anthropicPromptTokens(fields) }), requestId());
  }

  return (path: string, req: IncomingMessage, res: ServerResponse): Promise<void> | void | null => {
    if (!path.startsWith(`${ANTHROPIC_PREFIX}/`)) return null;
    const rest = path.slice(ANTHROPIC_PREFIX.length);
    if (rest === "/v1/messages" && req.method === "POST") return handleGeneration(ctx, anthropicDialect, anthropicMessagesEndpoint, req, res);
    if (rest === "/v1/messages/count_tokens" && req.method === "POST") return countTokens(req, res);
    if (rest === "/v1/models" && req.method === "GET") {
      if (!authorized(req, res)) return;
      return send(res, 200, anthropicModelsBody, requestId());
    }
    error(res, 404, "Not found");
  };
}
