// Where OpenRouter's prices come from: its own model list (`GET /models`), each model's `pricing`
// (USD per unit, decimal strings) and limits (`context_length`, `top_provider.max_completion_tokens`).
import type { PricedModel } from "../../src/prices.js";
import type { PriceSource } from "../../adapters/seam.js";

function entries(doc: unknown): Array<Record<string, unknown>> {
  const data = (doc as { data?: unknown } | null)?.data;
  return Array.isArray(data) ? (data.filter((m) => m && typeof m === "object") as Array<Record<string, unknown>>) : [];
}

function positiveInteger(v: unknown): number | null {
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : null;
}

export const prices: PriceSource = {
  from: "upstream",
  path: "/models",
  parse(doc) {
    const priced: PricedModel[] = [];
    for (const m of entries(doc)) {
      if (typeof m.id !== "string") continue;
      const pricing: Record<string, string> = {};
      for (const [k, v] of Object.entries((m.pricing ?? {}) as Record<string, unknown>)) if (typeof v === "string") pricing[k] = v;
      if (pricing.prompt === undefined || pricing.completion === undefined) continue;
      const top = m.top_provider as { max_completion_tokens?: unknown; context_length?: unknown } | undefined;
      priced.push({
        id: m.id,
        aliases: [],
        pricing,
        contextLength: positiveInteger(m.context_length ?? top?.context_length),
        maxCompletionTokens: positiveInteger(top?.max_completion_tokens),
      });
    }
    return priced;
  },
  listing: entries,
};
