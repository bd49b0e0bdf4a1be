// POST /api/v1/completions (legacy text completions)

import type { Endpoint } from "../generate.ts";
import { textShape } from "../shapes.ts";
import { countTextTokens } from "../tokens.ts";
import { maxTokensOf, streamOf } from "./params.ts";

export const completionsEndpoint: Endpoint = {
  path: "/api/v1/completions",
  kind: "chat",
  parse(body) {
    const prompt = body.prompt;
    if (typeof prompt !== "string" && !(Array.isArray(prompt) && prompt.length > 0)) return "prompt must be a string or a non-empty array";
    const maxTokens = maxTokensOf(body);
    if (typeof maxTokens === "string") return maxTokens;
    const stream = streamOf(body);
    if (typeof stream === "string") return stream;
    return { promptTokens: countTextTokens(prompt), maxTokens, stream };
  },
  shape: (meta, _body, streamed) => textShape(meta, streamed),
};
