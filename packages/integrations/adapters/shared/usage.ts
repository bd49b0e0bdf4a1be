// Small pieces every usage dialect shares: what a token count is, and usage with nothing known.
import type { MeteredUsage } from "../seam.js";

/** A token count as an upstream wrote it: a non-negative whole number; anything else counts as 0. */
export function tokenCount(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
}

/** A cost as an upstream wrote it (a JSON number of USD) → exact decimal text; null when it is not
 *  a non-negative finite number (a negative cost would credit the tenant: it is not a cost). */
export function costText(v: unknown): string | null {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? String(v) : null;
}

export type TokenFields = Pick<MeteredUsage, "promptTokens" | "completionTokens" | "cachedTokens" | "cacheWriteTokens" | "cacheWriteLongTokens" | "reasoningTokens" | "units" | "cost">;

/** Usage with nothing read yet. */
export function noTokens(): TokenFields {
  return { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, cacheWriteLongTokens: 0, reasoningTokens: 0, units: null, cost: null };
}

// One object shape for every result (built field by field, not spread): cheaper on the hot path.
export function usageResult(c: TokenFields, generationId: string | null, estimated: boolean, refused: boolean, finishReason: string | null): MeteredUsage {
  return {
    promptTokens: c.promptTokens,
    completionTokens: c.completionTokens,
    cachedTokens: c.cachedTokens,
    cacheWriteTokens: c.cacheWriteTokens,
    cacheWriteLongTokens: c.cacheWriteLongTokens,
    reasoningTokens: c.reasoningTokens,
    units: c.units,
    cost: c.cost,
    generationId,
    estimated,
    refused,
    finishReason,
  };
}

/** The result of a meter that found no usage: `completionTokens` is the proxy's own estimate. */
export function estimatedUsage(completionTokens: number, generationId: string | null, finishReason: string | null): MeteredUsage {
  const estimate = noTokens();
  estimate.completionTokens = completionTokens;
  return usageResult(estimate, generationId, true, false, finishReason);
}
