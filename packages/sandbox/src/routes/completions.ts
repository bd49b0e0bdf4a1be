// POST /api/v1/completions (legacy text completions)

import type { Endpoint } from "../generate.ts";
import { completionRequestSchema, requestProblem } from "../requestSchemas.ts";
import { textShape } from "../shapes.ts";
import { countTextTokens } from "../tokens.ts";
import { choicesOf, maxTokensOf, streamOf } from "./params.ts";

export const completionsEndpoint: Endpoint = {
  path: "/api/v1/completions",
  kind: "chat",
  parse(body) {
    const problem = requestProblem(completionRequestSchema, body);
    if (problem !== null) return problem;
    return { promptTokens: countTextTokens(body.prompt), maxTokens: maxTokensOf(body), stream: streamOf(body), choices: choicesOf(body) };
  },
  shape: (meta, _body, streamed, choices) => textShape(meta, streamed, choices),
};
