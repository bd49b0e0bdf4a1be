// OpenAI's models as the sandbox serves them, with OpenAI's list prices (USD per token, standard
// tier, https://platform.openai.com/docs/pricing): the sandbox's own table, independent of the
// catalog's, so a wrong catalog price shows as a charge the sandbox did not bill.

import type { SandboxModel } from "../../models.ts";

const openai = { provider: "OpenAI", nativeStop: "stop", nativeLength: "length", nativeToolCall: "tool_calls" } as const;

export const openaiModels: readonly SandboxModel[] = [
  { id: "gpt-4o-mini", name: "GPT-4o mini", kind: "chat", ...openai, contextLength: 128_000, maxCompletionTokens: 16_384,
    pricing: { prompt: "0.00000015", completion: "0.0000006", input_cache_read: "0.000000075" } },
  { id: "gpt-4o", name: "GPT-4o", kind: "chat", ...openai, contextLength: 128_000, maxCompletionTokens: 16_384,
    pricing: { prompt: "0.0000025", completion: "0.00001", input_cache_read: "0.00000125" } },
  { id: "gpt-4.1", name: "GPT-4.1", kind: "chat", ...openai, contextLength: 1_047_576, maxCompletionTokens: 32_768,
    pricing: { prompt: "0.000002", completion: "0.000008", input_cache_read: "0.0000005" } },
  { id: "gpt-4.1-mini", name: "GPT-4.1 mini", kind: "chat", ...openai, contextLength: 1_047_576, maxCompletionTokens: 32_768,
    pricing: { prompt: "0.0000004", completion: "0.0000016", input_cache_read: "0.0000001" } },
  { id: "gpt-4.1-nano", name: "GPT-4.1 nano", kind: "chat", ...openai, contextLength: 1_047_576, maxCompletionTokens: 32_768,
    pricing: { prompt: "0.0000001", completion: "0.0000004", input_cache_read: "0.000000025" } },
  { id: "o4-mini", name: "o4-mini", kind: "chat", ...openai, contextLength: 200_000, maxCompletionTokens: 100_000,
    pricing: { prompt: "0.0000011", completion: "0.0000044", input_cache_read: "0.000000275" } },
  { id: "text-embedding-3-small", name: "text-embedding-3-small", kind: "embedding", ...openai, contextLength: 8_191, maxCompletionTokens: 0,
    dimensions: 1536, pricing: { prompt: "0.00000002", completion: "0" } },
  { id: "text-embedding-3-large", name: "text-embedding-3-large", kind: "embedding", ...openai, contextLength: 8_191, maxCompletionTokens: 0,
    dimensions: 3072, pricing: { prompt: "0.00000013", completion: "0" } },
];

const byId = new Map(openaiModels.map((m) => [m.id, m]));

export function findOpenaiModel(id: string): SandboxModel | undefined {
  return byId.get(id);
}

/** `GET /v1/models`: OpenAI's list shape. */
export const openaiModelsBody: string = JSON.stringify({
  object: "list",
  data: openaiModels.map((m) => ({ id: m.id, object: "model", created: 1_735_689_600, owned_by: "system" })),
});
