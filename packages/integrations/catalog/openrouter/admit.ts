// admit, OpenRouter's part: what a chat, completion or embeddings request may cost. OpenRouter
// adds to the OpenAI dialect fallback `models`, a plain `prompt` on chat, web search (the `web`
// plugin, the `:online` suffix, web_search_options) and `:variant` suffixes priced as listed.
import type { Integration } from "../../src/schema.js";
import { readChatCompletionRequest, withCompletionBound, type ChatEndpointKind } from "../../adapters/shared/chatCompletionRequest.js";
import { RequestRefused, type CallRequest, type IncomingCall } from "../../adapters/seam.js";

const KINDS: Readonly<Record<string, ChatEndpointKind>> = {
  "/chat/completions": "chat",
  "/completions": "completion",
  "/embeddings": "embedding",
};

/** See the file's comment; throws RequestRefused naming the field at fault. */
export function readRequest(call: IncomingCall, integration: Integration): CallRequest {
  const kind = KINDS[call.path.slice(integration.proxy.basePath.length)];
  if (!kind || !call.fields) throw new RequestRefused(`No metered route ${call.path}.`, "NOT_FOUND");
  const request = readChatCompletionRequest(call.fields, kind, call.body.length, { fallbacks: true, chatPrompt: true });
  request.bound.webSearch = searchesTheWeb(call.fields, request.models);
  return request;
}

/** The body with the completion bound the key's fit_to_balance policy admitted. */
export function rewrite(request: CallRequest, fittedTokens: number | null): Buffer | null {
  return fittedTokens === null || !request.fields ? null : withCompletionBound(request.fields, fittedTokens);
}

/** OpenRouter variants (`:free`, `:nitro`…) are priced as listed, else as their base model. */
export function priceAs(model: string): string[] {
  const base = model.replace(/:[a-z-]+$/, "");
  return base === model ? [] : [base];
}

/** OpenRouter turns web search on by the `web` plugin, the `:online` model suffix or web_search_options. */
function searchesTheWeb(fields: Record<string, unknown>, models: string[]): boolean {
  if (fields.web_search_options !== undefined && fields.web_search_options !== null) return true;
  if (models.some((m) => m.endsWith(":online"))) return true;
  const plugins = fields.plugins;
  return Array.isArray(plugins) && plugins.some((p) => (p as { id?: unknown } | null)?.id === "web");
}
