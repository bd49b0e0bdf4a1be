// POST /v1/embeddings as OpenAI answers it: {"object":"list","data":[…],"model","usage":{"prompt_tokens","total_tokens"}}.
// Vectors are the sandbox's deterministic ones (routes/embeddings.ts).

import type { Endpoint } from "../../generate.ts";
import { embeddingVector } from "../../routes/embeddings.ts";
import type { Shape } from "../../shapes.ts";
import { countTextTokens } from "../../tokens.ts";
import { openaiEmbeddingsSchema, openaiProblem } from "./schemas.ts";

function inputsOf(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input)) return [];
  if (input.every((x) => typeof x === "number")) return [input.join(",")];
  return input.map((x) => (typeof x === "string" ? x : Array.isArray(x) ? x.join(",") : ""));
}

export const openaiEmbeddingsEndpoint: Endpoint = {
  path: "/openai/v1/embeddings",
  kind: "embedding",
  parse(body) {
    const problem = openaiProblem(openaiEmbeddingsSchema, body);
    if (problem !== null) return problem;
    return { promptTokens: countTextTokens(body.input), maxTokens: undefined, stream: false, choices: 1 };
  },
  shape(meta, body): Shape {
    const dimensions = Math.min(typeof body.dimensions === "number" ? body.dimensions : Infinity, meta.model.dimensions ?? 1536);
    const base64 = body.encoding_format === "base64";
    return {
      body: (_contents, _finish, metered) => {
        const data = inputsOf(body.input).map((text, index) => {
          const vector = embeddingVector(text, dimensions);
          const embedding = base64 ? JSON.stringify(Buffer.from(vector.buffer).toString("base64")) : JSON.stringify(Array.from(vector));
          return `{"object":"embedding","index":${index},"embedding":${embedding}}`;
        });
        return `{"object":"list","data":[${data.join(",")}],"model":${JSON.stringify(meta.model.id)},"usage":{"prompt_tokens":${metered.promptTokens},"total_tokens":${metered.promptTokens}}}`;
      },
    };
  },
};
