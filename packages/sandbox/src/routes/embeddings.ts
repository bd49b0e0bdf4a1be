// POST /api/v1/embeddings: priced per prompt token, never streamed. Vectors are deterministic:
// a unit vector drawn from xorshift32 seeded with the FNV-1a hash of the input.

import type { Endpoint } from "../generate.ts";
import { embeddingRequestSchema, requestProblem } from "../requestSchemas.ts";
import type { Shape } from "../shapes.ts";
import { countTextTokens } from "../tokens.ts";
import { embeddingUsageJson } from "../usage.ts";

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0 || 1;
}

/** The embedding of one input: `dimensions` float32 values of unit length. */
export function embeddingVector(input: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let state = fnv1a(input);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const x = (state >>> 0) / 0x80000000 - 1;
    vector[i] = x;
    norm += x * x;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] ?? 0) * scale;
  return vector;
}

function inputsOf(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input)) return [];
  if (input.every((x) => typeof x === "number")) return [input.join(",")];
  return input.map((x) => (typeof x === "string" ? x : Array.isArray(x) ? x.join(",") : ""));
}

export const embeddingsEndpoint: Endpoint = {
  path: "/api/v1/embeddings",
  kind: "embedding",
  parse(body) {
    const problem = requestProblem(embeddingRequestSchema, body);
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
        return `{"id":"${meta.id}","object":"list","data":[${data.join(",")}],"model":${JSON.stringify(meta.model.id)},"provider":${JSON.stringify(meta.model.provider)},"usage":${embeddingUsageJson(metered)}}`;
      },
    };
  },
};
