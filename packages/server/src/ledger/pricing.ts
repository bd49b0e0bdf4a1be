// What a call may cost (the hold) and what it did cost (the charge), exactly, in nano-USD.
import type { Metering } from "@vendo/integrations";
import { parseExactUsd, sumPrices, toNanos, type ExactUsd, type Nanos, type UnitPrice } from "./money.js";

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
  const str = (k: string) => (typeof pricing[k] === "string" ? parseExactUsd(pricing[k] as string) : null);
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

/** The hold: the most the call can cost, markup included, rounded up once. */
export function holdAmount(input: HoldInput): Nanos {
  if (input.metering.kind === "per_call") return perCallPrice(input.metering.priceUsd, input.markupBps);
  const price = input.price;
  if (!price) throw new Error("per-token hold needs a model price");
  return toNanos(tokensCost(price, input.promptBound, input.completionBound), input.markupBps, "up");
}

/** Upstream cost from tokens and the price book (when the upstream reported none), exactly. */
export function tokensCost(price: ModelPrice, promptTokens: number, completionTokens: number): ExactUsd {
  return sumPrices([
    { count: BigInt(promptTokens), price: price.prompt },
    { count: BigInt(completionTokens), price: price.completion },
    ...(price.request ? [{ count: 1n, price: price.request }] : []),
  ]);
}

/** A per-call integration's charge: its catalog price with the markup, rounded once. */
export function perCallPrice(priceUsd: string, markupBps: bigint): Nanos {
  const price = parseExactUsd(priceUsd);
  return price ? toNanos(price, markupBps) : 0n;
}
