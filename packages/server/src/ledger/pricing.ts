// What a call may cost (the hold) and what it did cost (the charge), exactly, in nano-USD.
import type { Metering } from "@vendo/integrations";
import { applyMarkup, decimalToNanos, parseUnitPrice, priceNanos, type Nanos, type UnitPrice } from "./money.js";

export interface ModelPrice {
  prompt: UnitPrice;
  completion: UnitPrice;
  request: UnitPrice | null;
  inputCacheRead: UnitPrice | null;
  maxCompletionTokens: number | null;
  /** The upstream's pricing strings, as published (for /v1/models). */
  raw: Record<string, string>;
}

export function parseModelPrice(pricing: Record<string, unknown>, maxCompletionTokens: unknown): ModelPrice | null {
  const str = (k: string) => (typeof pricing[k] === "string" ? parseUnitPrice(pricing[k] as string) : null);
  const prompt = str("prompt");
  const completion = str("completion");
  if (!prompt || !completion) return null;
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(pricing)) if (typeof v === "string") raw[k] = v;
  return {
    prompt,
    completion,
    request: str("request"),
    inputCacheRead: str("input_cache_read"),
    maxCompletionTokens: typeof maxCompletionTokens === "number" && maxCompletionTokens > 0 ? maxCompletionTokens : null,
    raw,
  };
}

export interface HoldInput {
  metering: Metering;
  price: ModelPrice | null;
  /** Upper bound of prompt tokens: a byte-level tokenizer never makes more tokens than bytes. */
  promptBound: number;
  /** Completion tokens the call may produce (max_tokens, or the default cap); 0 for embeddings. */
  completionBound: number;
  markupBps: bigint;
}

/** The hold: the most the call can cost, rounded up, markup included. */
export function holdAmount(input: HoldInput): Nanos {
  if (input.metering.kind === "per_call") return perCallPrice(input.metering.priceUsd, input.markupBps);
  const price = input.price;
  if (!price) throw new Error("per-token hold needs a model price");
  const upstream = priceNanos(
    [
      { count: BigInt(input.promptBound), price: price.prompt },
      { count: BigInt(input.completionBound), price: price.completion },
      ...(price.request ? [{ count: 1n, price: price.request }] : []),
    ],
    true,
  );
  return markupUp(upstream, input.markupBps);
}

/** Upstream cost from tokens and the price book, when the upstream reported none. */
export function tokensCost(price: ModelPrice, promptTokens: number, completionTokens: number): Nanos {
  return priceNanos([
    { count: BigInt(promptTokens), price: price.prompt },
    { count: BigInt(completionTokens), price: price.completion },
    ...(price.request ? [{ count: 1n, price: price.request }] : []),
  ]);
}

export function perCallPrice(priceUsd: string, markupBps: bigint): Nanos {
  return applyMarkup(decimalToNanos(priceUsd) ?? 0n, markupBps);
}

export function markupUp(upstream: Nanos, markupBps: bigint): Nanos {
  return (upstream * (10_000n + markupBps) + 9_999n) / 10_000n;
}
