// POST /api/v1/chat/completions

import type { Endpoint } from "../generate.ts";
import { chatRequestSchema, requestProblem } from "../requestSchemas.ts";
import { chatShape } from "../shapes.ts";
import { countPromptTokens } from "../tokens.ts";
import { choicesOf, maxTokensOf, streamOf } from "./params.ts";

export const chatEndpoint: Endpoint = {
  path: "/api/v1/chat/completions",
  kind: "chat",
  parse(body) {
    const problem = requestProblem(chatRequestSchema, body);
    if (problem !== null) return problem;
    return { promptTokens: countPromptTokens(body), maxTokens: maxTokensOf(body), stream: streamOf(body), choices: choicesOf(body) };
  },
  shape: (meta, _body, streamed, choices) => chatShape(meta, streamed, choices),
};
