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
    ...images(fields.messages, fields.input),
    webSearch: searchesTheWeb(fields, request.models),
    embedding,
  };
}

/** Image parts in chat messages (or a Responses-style input list), each a separately priced input,
 *  and the bytes of those sent inline (data URLs), which are not text. */
function images(...lists: unknown[]): { images: number; imageBytes: number } {
  let count = 0;
  let bytes = 0;
  for (const messages of lists) {
    if (!Array.isArray(messages)) continue;
    for (const message of messages) {
      const content = (message as { content?: unknown } | null)?.content;
      if (!Array.isArray(content)) continue;
      for (const part of content) {
        const { type, image_url: imageUrl } = (part ?? {}) as { type?: unknown; image_url?: unknown };
        if (typeof type !== "string" || !IMAGE_PART_TYPES.has(type)) continue;
        count++;
        const url = typeof imageUrl === "string" ? imageUrl : (imageUrl as { url?: unknown } | null)?.url;
        if (typeof url === "string" && url.startsWith("data:")) bytes += Buffer.byteLength(url);
      }
    }
  }
  return { images: count, imageBytes: bytes };
}

/** OpenRouter turns web search on by the `web` plugin, the `:online` model suffix or web_search_options. */
function searchesTheWeb(fields: Record<string, unknown>, models: string[]): boolean {
  if (fields.web_search_options !== undefined && fields.web_search_options !== null) return true;
  if (models.some((m) => m.endsWith(":online"))) return true;
  const plugins = fields.plugins;
  return Array.isArray(plugins) && plugins.some((p) => (p as { id?: unknown } | null)?.id === "web");
}
