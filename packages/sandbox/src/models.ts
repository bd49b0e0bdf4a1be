// The sandbox's model catalog: realistic OpenRouter ids and prices (USD per token, decimal strings).
// It is data; `modelsResponseBody` renders it once in OpenRouter's `GET /models` shape.

import type { Pricing } from "./money.ts";

export type ModelKind = "chat" | "embedding";

export interface SandboxPricing extends Pricing {
  readonly input_cache_write?: string;
}

export interface SandboxModel {
  readonly id: string;
  readonly name: string;
  readonly kind: ModelKind;
  /** Provider name reported at the top level of every response (`provider`). */
  readonly provider: string;
  readonly pricing: SandboxPricing;
  readonly contextLength: number;
  /** `top_provider.max_completion_tokens`: a hard cap on completion tokens (0 for embeddings). */
  readonly maxCompletionTokens: number;
  /** Native finish reasons of the provider, reported as `native_finish_reason`. */
  readonly nativeStop: string;
  readonly nativeLength: string;
  readonly nativeToolCall: string;
  /** Embedding models only: default vector length. */
  readonly dimensions?: number;
}

const openai = { provider: "OpenAI", nativeStop: "stop", nativeLength: "length", nativeToolCall: "tool_calls" } as const;
const anthropic = { provider: "Anthropic", nativeStop: "end_turn", nativeLength: "max_tokens", nativeToolCall: "tool_use" } as const;
const google = { provider: "Google", nativeStop: "STOP", nativeLength: "MAX_TOKENS", nativeToolCall: "STOP" } as const;
const generic = (provider: string) => ({ provider, nativeStop: "stop", nativeLength: "length", nativeToolCall: "tool_calls" }) as const;

export const sandboxModels: readonly SandboxModel[] = [
  { id: "openai/gpt-4o-mini", name: "OpenAI: GPT-4o-mini", kind: "chat", ...openai, contextLength: 128_000, maxCompletionTokens: 16_384,
    pricing: { prompt: "0.00000015", completion: "0.0000006", input_cache_read: "0.000000075" } },
  { id: "openai/gpt-4o", name: "OpenAI: GPT-4o", kind: "chat", ...openai, contextLength: 128_000, maxCompletionTokens: 16_384,
    pricing: { prompt: "0.0000025", completion: "0.00001", input_cache_read: "0.00000125" } },
  { id: "openai/o1", name: "OpenAI: o1", kind: "chat", ...openai, contextLength: 200_000, maxCompletionTokens: 100_000,
    pricing: { prompt: "0.000015", completion: "0.00006", input_cache_read: "0.0000075" } },
  { id: "anthropic/claude-sonnet-4", name: "Anthropic: Claude Sonnet 4", kind: "chat", ...anthropic, contextLength: 200_000, maxCompletionTokens: 64_000,
    pricing: { prompt: "0.000003", completion: "0.000015", input_cache_read: "0.0000003", input_cache_write: "0.00000375" } },
  { id: "anthropic/claude-opus-4", name: "Anthropic: Claude Opus 4", kind: "chat", ...anthropic, contextLength: 200_000, maxCompletionTokens: 32_000,
    pricing: { prompt: "0.000015", completion: "0.000075", input_cache_read: "0.0000015", input_cache_write: "0.00001875" } },
  { id: "anthropic/claude-3.5-haiku", name: "Anthropic: Claude 3.5 Haiku", kind: "chat", ...anthropic, contextLength: 200_000, maxCompletionTokens: 8_192,
    pricing: { prompt: "0.0000008", completion: "0.000004", input_cache_read: "0.00000008", input_cache_write: "0.000001" } },
  { id: "google/gemini-2.0-flash-001", name: "Google: Gemini 2.0 Flash", kind: "chat", ...google, contextLength: 1_048_576, maxCompletionTokens: 8_192,
    pricing: { prompt: "0.0000001", completion: "0.0000004", input_cache_read: "0.000000025" } },
  { id: "google/gemini-2.0-flash-lite-001", name: "Google: Gemini 2.0 Flash Lite", kind: "chat", ...google, contextLength: 1_048_576, maxCompletionTokens: 8_192,
    pricing: { prompt: "0.000000075", completion: "0.0000003" } },
  { id: "meta-llama/llama-3.3-70b-instruct", name: "Meta: Llama 3.3 70B Instruct", kind: "chat", ...generic("DeepInfra"), contextLength: 131_072, maxCompletionTokens: 16_384,
    pricing: { prompt: "0.00000012", completion: "0.0000003" } },
  { id: "meta-llama/llama-3.3-70b-instruct:free", name: "Meta: Llama 3.3 70B Instruct (free)", kind: "chat", ...generic("Chutes"), contextLength: 131_072, maxCompletionTokens: 2_048,
    pricing: { prompt: "0", completion: "0" } },
  { id: "deepseek/deepseek-chat", name: "DeepSeek: DeepSeek V3", kind: "chat", ...generic("DeepSeek"), contextLength: 163_840, maxCompletionTokens: 163_840,
    pricing: { prompt: "0.00000038", completion: "0.00000089" } },
  { id: "mistralai/mistral-small-3.1-24b-instruct", name: "Mistral: Mistral Small 3.1 24B", kind: "chat", ...generic("Mistral"), contextLength: 128_000, maxCompletionTokens: 128_000,
    pricing: { prompt: "0.00000005", completion: "0.0000001" } },
  // Prices with digits below the nano-USD per token: costs that must be rounded exactly once.
  { id: "qwen/qwen3-8b", name: "Qwen: Qwen3 8B", kind: "chat", ...generic("Novita"), contextLength: 40_960, maxCompletionTokens: 20_000,
    pricing: { prompt: "0.00000004213", completion: "0.00000013791", input_cache_read: "0.00000001053" } },
  { id: "perplexity/sonar", name: "Perplexity: Sonar", kind: "chat", ...generic("Perplexity"), contextLength: 127_072, maxCompletionTokens: 8_000,
    pricing: { prompt: "0.000001", completion: "0.000001", request: "0.005" } },
  { id: "openai/text-embedding-3-small", name: "OpenAI: Text Embedding 3 Small", kind: "embedding", ...openai, contextLength: 8_192, maxCompletionTokens: 0,
    dimensions: 1536, pricing: { prompt: "0.00000002", completion: "0" } },
];

const byId = new Map(sandboxModels.map((m) => [m.id, m]));

export function findModel(id: string): SandboxModel | undefined {
  return byId.get(id);
}

const CREATED = 1_735_689_600; // 2025-01-01, a fixed value keeps the catalog reproducible.

function renderModel(m: SandboxModel) {
  const slug = m.id.replace(/:free$/, "");
  return {
    id: m.id,
    canonical_slug: slug,
    hugging_face_id: null,
    name: m.name,
    created: CREATED,
    description: `${m.name}, simulated by the Vendo sandbox.`,
    context_length: m.contextLength,
    architecture: {
      modality: m.kind === "chat" ? "text->text" : "text->embeddings",
      input_modalities: ["text"],
      output_modalities: [m.kind === "chat" ? "text" : "embeddings"],
      tokenizer: "Other",
      instruct_type: null,
    },
    pricing: m.pricing,
    top_provider: { context_length: m.contextLength, max_completion_tokens: m.kind === "chat" ? m.maxCompletionTokens : null, is_moderated: false },
    per_request_limits: null,
    supported_parameters: m.kind === "chat" ? ["max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "seed"] : [],
    default_parameters: null,
    supported_voices: null,
    links: { details: `/api/v1/models/${slug}/endpoints` },
  };
}

/** `GET /models` body, rendered once. */
export const modelsResponseBody: string = JSON.stringify({
  data: sandboxModels.map(renderModel),
  links: { next: null },
  total_count: sandboxModels.length,
});
