// Metering one generation: exact cost in nano-USD and the `usage` object clients receive.

import { nanosToUsd, priceExact, usdToNanos, type Pricing } from "./money.ts";
import type { SandboxModel } from "./models.ts";

export interface Metered {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  /** Of the prompt, tokens written to the cache (default lifetime / longer lifetime). */
  readonly cacheWriteTokens: number;
  readonly cacheWriteLongTokens: number;
  /** Per-call upstreams: the units billed (Tavily's credits); absent for token-priced calls. */
  readonly units?: number;
  /** prompt + completion + request (+ cache reads), exactly: reported as `usage.cost`. */
  readonly costExact: string;
  /** The same, rounded once (half up) to the nano-USD: what the sandbox bills the key. */
  readonly costNanos: bigint;
  /** Informational split for `cost_details` (each rounded on its own, request price in neither). */
  readonly promptCostNanos: bigint;
  readonly completionCostNanos: bigint;
}

interface SplitPricing {
  readonly promptSide: Pricing;
  readonly completionSide: Pricing;
}

const splits = new WeakMap<SandboxModel, SplitPricing>();

function split(model: SandboxModel): SplitPricing {
  let s = splits.get(model);
  if (!s) {
    const { completion, request: _request, ...prompts } = model.pricing;
    s = { promptSide: { ...prompts, completion: "0" }, completionSide: { prompt: "0", completion } };
    splits.set(model, s);
  }
  return s;
}

export function meter(model: SandboxModel, promptTokens: number, completionTokens: number, cachedTokens: number, cacheWriteTokens = 0, cacheWriteLongTokens = 0): Metered {
  const { promptSide, completionSide } = split(model);
  const prompt = { promptTokens, cachedTokens, cacheWriteTokens, cacheWriteLongTokens };
  const costExact = priceExact(model.pricing, { ...prompt, completionTokens });
  return {
    promptTokens,
    completionTokens,
    cachedTokens,
    cacheWriteTokens,
    cacheWriteLongTokens,
    costExact,
    costNanos: usdToNanos(costExact),
    promptCostNanos: usdToNanos(priceExact(promptSide, { ...prompt, completionTokens: 0 })),
    completionCostNanos: usdToNanos(priceExact(completionSide, { promptTokens: 0, completionTokens })),
  };
}

function costDetails(m: Metered): string {
  return `"cost_details":{"upstream_inference_cost":null,"upstream_inference_prompt_cost":${nanosToUsd(m.promptCostNanos)},"upstream_inference_completions_cost":${nanosToUsd(m.completionCostNanos)}}`;
}

/** The `usage` object of a chat or text completion, as JSON. */
export function completionUsageJson(m: Metered): string {
  return (
    `{"prompt_tokens":${m.promptTokens},"completion_tokens":${m.completionTokens},"total_tokens":${m.promptTokens + m.completionTokens},` +
    `"cost":${m.costExact},"is_byok":false,` +
    `"prompt_tokens_details":{"cached_tokens":${m.cachedTokens},"cache_write_tokens":${m.cacheWriteTokens + m.cacheWriteLongTokens},"audio_tokens":0,"video_tokens":0},` +
    `${costDetails(m)},"completion_tokens_details":{"reasoning_tokens":0,"image_tokens":0,"audio_tokens":0}}`
  );
}

/** The `usage` object of an embeddings response, as JSON. */
export function embeddingUsageJson(m: Metered): string {
  return `{"prompt_tokens":${m.promptTokens},"total_tokens":${m.promptTokens},"cost":${m.costExact},"is_byok":false,${costDetails(m)}}`;
}
