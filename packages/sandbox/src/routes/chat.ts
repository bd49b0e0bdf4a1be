// POST /api/v1/chat/completions

import type { Endpoint } from "../generate.ts";
import { chatShape } from "../shapes.ts";
import { countPromptTokens } from "../tokens.ts";
import { maxTokensOf, streamOf } from "./params.ts";

export const chatEndpoint: Endpoint = {
  path: "/api/v1/chat/completions",
  kind: "chat",
  parse(body) {
    if (!Array.isArray(body.messages) || body.messages.length === 0) return "messages must be a non-empty array";
    for (const message of body.messages) {
      if (!message || typeof message !== "object" || typeof (message as { role?: unknown }).role !== "string") return "each message needs a string role";
    }
    const maxTokens = maxTokensOf(body);
    if (typeof maxTokens === "string") return maxTokens;
    const stream = streamOf(body);
    if (typeof stream === "string") return stream;
    return { promptTokens: countPromptTokens(body), maxTokens, stream };
  },
  shape: (meta, _body, streamed) => chatShape(meta, streamed),
};
