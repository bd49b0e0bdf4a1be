// A catalog price table (USD per million tokens, as providers publish them) in the per-token
// form the proxy's price book reads: OpenRouter-style `pricing` keys, USD per token, exact.
import type { Integration, ModelPriceEntry } from "./schema.js";

/** One priced model, whatever the source (the catalog's table or an upstream's model list). */
export interface PricedModel {
  id: string;
  /** Other ids priced the same (dated snapshots). */
  aliases: readonly string[];
  /** USD per token as exact decimal text: prompt, completion, input_cache_read, input_cache_write,
   *  input_cache_write_long, request, image, web_search, internal_reasoning (each optional but the first two). */
  pricing: Readonly<Record<string, string>>;
  contextLength: number | null;
  maxCompletionTokens: number | null;
}

/** "0.15" USD per million → "0.00000015" USD per token: the decimal point moved six places, exactly. */
export function perToken(perMillion: string): string {
  const [whole = "0", frac = ""] = perMillion.split(".");
  const digits = (whole + frac).replace(/^0+/, "");
  if (digits === "") return "0";
  const scale = frac.length + 6;
  const padded = digits.padStart(scale + 1, "0");
  const int = padded.slice(0, padded.length - scale);
  const rest = padded.slice(padded.length - scale).replace(/0+$/, "");
  return rest ? `${int}.${rest}` : int;
}

function priced(m: ModelPriceEntry): PricedModel {
  const pricing: Record<string, string> = { prompt: perToken(m.input), completion: perToken(m.output) };
  if (m.cacheRead !== undefined) pricing.input_cache_read = perToken(m.cacheRead);
  if (m.cacheWrite !== undefined) pricing.input_cache_write = perToken(m.cacheWrite);
  if (m.cacheWriteLong !== undefined) pricing.input_cache_write_long = perToken(m.cacheWriteLong);
  return { id: m.id, aliases: m.aliases, pricing, contextLength: m.contextLength, maxCompletionTokens: m.kind === "embedding" ? null : m.maxOutputTokens };
}

/** The catalog's own price table of a per-token integration; null when its prices come from the upstream. */
export function catalogPrices(integration: Integration): PricedModel[] | null {
  const { metering } = integration;
  if (metering.kind !== "per_token" || metering.prices === "upstream") return null;
  return metering.prices.models.map(priced);
}
