// What a request says about how much it can cost: the inputs of the hold's worst case
// (ledger/pricing.ts, worstCase). Read from the body the proxy has already parsed.
import type { RequestBound } from "../ledger/pricing.js";
import type { CallRequest } from "./readRequest.js";

const IMAGE_PART_TYPES = new Set(["image_url", "input_image", "image"]);

export function requestBoundOf(request: CallRequest, bodyBytes: number, embedding: boolean): RequestBound {
  const { fields } = request;
  return {
    bodyBytes,
    maxTokens: request.maxTokens,
    n: request.n,
    images: countImages(fields.messages) + countImages(fields.input),
    webSearch: searchesTheWeb(fields, request.models),
    embedding,
  };
}

/** Image parts in chat messages (or a Responses-style input list), each a separately priced input. */
function countImages(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let images = 0;
  for (const message of messages) {
    const content = (message as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      const type = (part as { type?: unknown } | null)?.type;
      if (typeof type === "string" && IMAGE_PART_TYPES.has(type)) images++;
    }
  }
  return images;
}

/** OpenRouter turns web search on by the `web` plugin, the `:online` model suffix or web_search_options. */
function searchesTheWeb(fields: Record<string, unknown>, models: string[]): boolean {
  if (fields.web_search_options !== undefined && fields.web_search_options !== null) return true;
  if (models.some((m) => m.endsWith(":online"))) return true;
  const plugins = fields.plugins;
  return Array.isArray(plugins) && plugins.some((p) => (p as { id?: unknown } | null)?.id === "web");
}
