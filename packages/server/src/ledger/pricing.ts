// What a call may cost (the hold) and what it did cost (the charge), exactly, in nano-USD.
import type { Metering } from "@vendo/integrations";
import { addExact, parseExactUsd, scaleExact, sumPrices, toNanos, ZERO_USD, type ExactUsd, type Nanos, type UnitPrice } from "./money.js";
import type { FitRequest } from "./operations.js";

/** A model's prices (USD per unit, exact) and limits, as the upstream's model list gives them. */
export interface ModelPrice {
  prompt: UnitPrice;
  completion: UnitPrice;
  request: UnitPrice | null;
  image: UnitPrice | null;
  webSearch: UnitPrice | null;
  internalReasoning: UnitPrice | null;
  inputCacheRead: UnitPrice | null;
  inputCacheWrite: UnitPrice | null;
  /** Cache writes for the longer cache lifetime, where priced apart (null: at inputCacheWrite). */
  inputCacheWriteLong: UnitPrice | null;
  /** Tokens of prompt and completion together; null when the upstream does not say. */
  contextLength: number | null;
  /** The most completion tokens one choice can have; null when the upstream does not say. */
  maxCompletionTokens: number | null;
  /** The upstream's pricing strings, as published (for /v1/models). */
  raw: Record<string, string>;
}

/** A `pricing` object (USD decimal strings per unit, OpenRouter's keys, which catalog tables are
 *  converted to) and limits → ModelPrice; null without a prompt and completion price. */
export function parseModelPrice(pricing: Record<string, unknown>, limits: { maxCompletionTokens?: unknown; contextLength?: unknown } = {}): ModelPrice | null {
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
    image: str("image"),
    webSearch: str("web_search"),
    internalReasoning: str("internal_reasoning"),
    inputCacheRead: str("input_cache_read"),
    inputCacheWrite: str("input_cache_write"),
    inputCacheWriteLong: str("input_cache_write_long"),
    contextLength: positiveInteger(limits.contextLength),
    maxCompletionTokens: positiveInteger(limits.maxCompletionTokens),
    raw,
  };
}

function positiveInteger(v: unknown): number | null {
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : null;
}

/** What the request says about its own size: everything the worst case depends on. */
export interface RequestBound {
  /** Bytes of the request body: a byte-level tokenizer never makes more tokens than bytes. */
  bodyBytes: number;
  /** max_tokens / max_completion_tokens (the larger), null when unset. */
  maxTokens: number | null;
  /** Choices asked for (`n`), each with its own completion. */
  n: number;
  /** Image inputs (each priced per image where the model says so, and counted as tokens). */
  images: number;
  /** Bytes of the body that are inline images (base64 data URLs): not text, so not text tokens. */
  imageBytes: number;
  /** Whether the request turns web search on (priced per search where the model says so). */
  webSearch: boolean;
  /** An embeddings request: no completion. */
  embedding: boolean;
}

/** The worst case's shape: fixed + completionTokens × perCompletionToken (exact USD, no markup). */
export interface WorstCase {
  fixed: ExactUsd;
  perCompletionToken: ExactUsd;
  /** Completion tokens the worst case assumes (per choice bound × n). */
  completionTokens: number;
  /** The per-choice completion bound. */
  completionBound: number;
}

/**
 * Prompt tokens one image can count for, whatever its bytes: providers count images by pixels
 * (OpenAI's gpt-4o-mini up to ~48,000 tokens for one high-detail image; Anthropic ~1,600; Google 258).
 */
export const IMAGE_TOKENS_BOUND = 50_000;

/**
 * The most the upstream can bill for a per-token call (docs/money.md, invariant 3): prompt tokens
 * bounded by the body's text bytes plus IMAGE_TOKENS_BOUND per image, and by the model's context
 * length, each at the dearer of the prompt and
 * cache-write prices; n choices of at most max_tokens (or, unset, the model's own maximum
 * completion) at the dearer of the completion and reasoning prices; the per-request price, each
 * image's price, and one web search's price when search is on.
 */
export function worstCase(price: ModelPrice, request: RequestBound, defaultCompletionCap: number): WorstCase {
  const textTokens = Math.max(0, request.bodyBytes - request.imageBytes);
  const unbounded = textTokens + request.images * IMAGE_TOKENS_BOUND;
  const promptTokens = Math.min(unbounded, price.contextLength ?? unbounded);
  const modelMax = price.maxCompletionTokens ?? price.contextLength ?? defaultCompletionCap;
  const completionBound = request.embedding ? 0 : Math.min(request.maxTokens ?? modelMax, modelMax);
  const promptUnit = dearer(dearer(price.prompt, price.inputCacheWrite), price.inputCacheWriteLong);
  const completionUnit = dearer(price.completion, price.internalReasoning);
  const fixed = sumPrices([
    { count: BigInt(promptTokens), price: promptUnit },
    ...(price.request ? [{ count: 1n, price: price.request }] : []),
    ...(price.image ? [{ count: BigInt(request.images), price: price.image }] : []),
    ...(price.webSearch && request.webSearch ? [{ count: 1n, price: price.webSearch }] : []),
  ]);
  const n = BigInt(request.embedding ? 0 : request.n);
  return { fixed, perCompletionToken: scaleExact(completionUnit, n), completionTokens: completionBound * request.n, completionBound };
}

/** The hold for a worst case: markup included, rounded up once (a hold is never short). */
export function holdFor(worst: WorstCase, markupBps: bigint): Nanos {
  return toNanos(addExact(worst.fixed, scaleExact(worst.perCompletionToken, BigInt(worst.completionBound))), markupBps, "up");
}

/** The key's fit_to_balance policy: the same worst case with a smaller completion bound. */
export function fitRequest(worst: WorstCase, markupBps: bigint): FitRequest {
  return { fixed: worst.fixed, perToken: worst.perCompletionToken, markupBps, minTokens: 1, maxTokens: worst.completionBound };
}

function dearer(a: UnitPrice, b: UnitPrice | null): UnitPrice {
  if (!b) return a;
  const scale = Math.max(a.scale, b.scale);
  const an = a.numerator * 10n ** BigInt(scale - a.scale);
  const bn = b.numerator * 10n ** BigInt(scale - b.scale);
  return an >= bn ? a : b;
}

/** Token counts as the upstream reported them (the adapter's usage dialect, one convention). */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** Of the prompt, tokens read from cache (prompt_tokens_details.cached_tokens). */
  cachedTokens: number;
  /** Of the prompt, tokens written to cache (prompt_tokens_details.cache_write_tokens). */
  cacheWriteTokens: number;
  /** Of cacheWriteTokens, those written for the longer cache lifetime. */
  cacheWriteLongTokens: number;
  /** Of the completion, reasoning tokens (completion_tokens_details.reasoning_tokens). */
  reasoningTokens: number;
}

/**
 * Upstream cost from tokens and the price book (when the upstream reported no cost), exactly:
 * cache reads, cache writes (each lifetime) and reasoning tokens at their own prices where the
 * model has them.
 */
export function tokensCost(price: ModelPrice, usage: TokenUsage): ExactUsd {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const written = Math.min(usage.cacheWriteTokens, usage.promptTokens - cached);
  const writtenLong = Math.min(usage.cacheWriteLongTokens, written);
  const reasoning = Math.min(usage.reasoningTokens, usage.completionTokens);
  const cacheWrite = price.inputCacheWrite ?? price.prompt;
  return sumPrices([
    { count: BigInt(usage.promptTokens - cached - written), price: price.prompt },
    { count: BigInt(cached), price: price.inputCacheRead ?? price.prompt },
    { count: BigInt(written - writtenLong), price: cacheWrite },
    { count: BigInt(writtenLong), price: price.inputCacheWriteLong ?? cacheWrite },
    { count: BigInt(usage.completionTokens - reasoning), price: price.completion },
    { count: BigInt(reasoning), price: price.internalReasoning ?? price.completion },
    ...(price.request ? [{ count: 1n, price: price.request }] : []),
  ]);
}

/** A per-call integration's price from its catalog (exact USD); zero when it has none. */
export function perCallCost(metering: Metering): ExactUsd {
  return metering.kind === "per_call" ? (parseExactUsd(metering.priceUsd) ?? ZERO_USD) : ZERO_USD;
}

/** A per-call integration's charge: its catalog price with the markup, rounded once. */
export function perCallPrice(priceUsd: string, markupBps: bigint): Nanos {
  const price = parseExactUsd(priceUsd);
  return price ? toNanos(price, markupBps) : 0n;
}
