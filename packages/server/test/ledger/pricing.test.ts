// A call's price is computed exactly and rounded once (DESIGN §4): a cost with digits below the
// nano-USD keeps them until its markup is applied.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyMarkup, parseExactUsd, toNanos, usdNumberToExact } from "../../src/ledger/money.js";
import { fitTokens } from "../../src/ledger/batchPlan.js";
import { fitRequest, holdFor, parseModelPrice, perCallPrice, tokensCost, worstCase, type RequestBound, type TokenUsage } from "../../src/ledger/pricing.js";
import { markedUpPrice } from "../../src/proxy/accountEndpoints.js";
import { chatCompletionJsonMeter, chatCompletionSseMeter } from "@vendo/integrations/adapters";

const usage = (promptTokens: number, completionTokens: number, extra: Partial<TokenUsage> = {}): TokenUsage => ({
  promptTokens,
  completionTokens,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  cacheWriteLongTokens: 0,
  reasoningTokens: 0,
  ...extra,
});

const bound = (extra: Partial<RequestBound> = {}): RequestBound => ({ bodyBytes: 0, maxTokens: null, n: 1, images: 0, imageBytes: 0, webSearch: false, embedding: false, ...extra });

describe("pricing rounds once (invariant 6)", () => {
  it("marks up the exact cost, not the cost rounded to the nano-USD", () => {
    // 123.45 nano-USD with a 10% markup is 135.795: charged 136. Rounding the cost first gives 135.
    const cost = usdNumberToExact(1.2345e-7);
    assert.deepEqual(cost, { numerator: 12345n, scale: 11 });
    assert.equal(toNanos(cost!), 123n, "the upstream cost on record, rounded once");
    assert.equal(toNanos(cost!, 1_000n), 136n);
    assert.equal(applyMarkup(toNanos(cost!), 1_000n), 135n, "what rounding twice would have charged");
  });

  it("prices tokens exactly, then rounds once with the markup", () => {
    const price = parseModelPrice({ prompt: "0.0000000375", completion: "0.00000015" })!;
    // 3 × 37.5 + 2 × 150 = 412.5 nano-USD; × 1.01 = 416.625 → 417
    const cost = tokensCost(price, usage(3, 2));
    assert.equal(toNanos(cost), 413n);
    assert.equal(toNanos(cost, 100n), 417n);
  });

  it("prices cached reads, cache writes and reasoning tokens at their own prices (invariant 6)", () => {
    const price = parseModelPrice({
      prompt: "0.000003",
      completion: "0.000015",
      input_cache_read: "0.0000003",
      input_cache_write: "0.00000375",
      internal_reasoning: "0.00002",
    })!;
    // 1,000 prompt tokens of which 600 cached and 100 written; 50 completion of which 20 reasoning:
    // 300 × 3,000 + 600 × 300 + 100 × 3,750 + 30 × 15,000 + 20 × 20,000 nano-USD.
    const cost = tokensCost(price, usage(1000, 50, { cachedTokens: 600, cacheWriteTokens: 100, reasoningTokens: 20 }));
    assert.equal(toNanos(cost), 900_000n + 180_000n + 375_000n + 450_000n + 400_000n);
    // The case: no usage.cost, 1,000,000 prompt tokens all cached at 0.0000002: 200,000, not 1,010,000.
    const cheapCache = parseModelPrice({ prompt: "0.000001", completion: "0.000001", input_cache_read: "0.0000002" })!;
    assert.equal(toNanos(tokensCost(cheapCache, usage(1_000_000, 10, { cachedTokens: 1_000_000 }))), 200_000_000n + 10_000n);
  });

  it("rounds a hold up once, so it is never short of the charge", () => {
    const price = parseModelPrice({ prompt: "0.0000000375", completion: "0.0000000375" }, { maxCompletionTokens: 4096 })!;
    // 2 tokens × 37.5 = 75 nano-USD exactly: nothing to round.
    assert.equal(holdFor(worstCase(price, bound({ bodyBytes: 2, maxTokens: 0, embedding: true }), 4096), 0n), 75n);
    // 1 token × 37.5 × 1.0001 = 37.50375: up to 38.
    assert.equal(holdFor(worstCase(price, bound({ bodyBytes: 1, embedding: true }), 4096), 1n), 38n);
    // 0.2 nano-USD rounds up to 1, where half up gives 0: a hold is never short.
    const cheap = parseModelPrice({ prompt: "0.0000000002", completion: "0" })!;
    assert.equal(holdFor(worstCase(cheap, bound({ bodyBytes: 1, embedding: true }), 4096), 0n), 1n);
    assert.equal(toNanos(tokensCost(cheap, usage(1, 0))), 0n);
  });

  it("prices a per-call integration from its exact catalog price", () => {
    // $0.0000000015 per call (1.5 nano-USD) with a 50% markup is 2.25 → 2; rounding first gives 2 × 1.5 = 3.
    assert.equal(perCallPrice("0.0000000015", 5_000n), 2n);
    assert.equal(perCallPrice("0.002", 0n), 2_000_000n);
  });

  it("reads usage.cost from an answer without rounding it", () => {
    const withCost = { cost: true };
    const json = chatCompletionJsonMeter(withCost);
    json.push(Buffer.from(JSON.stringify({ id: "gen-1", usage: { prompt_tokens: 3, completion_tokens: 4, cost: 1.2345e-7 } })));
    assert.deepEqual(parseExactUsd(json.finish().cost ?? ""), { numerator: 12345n, scale: 11 });

    const sse = chatCompletionSseMeter(withCost);
    sse.push(Buffer.from(`data: {"id":"gen-2","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"cost":0.000000123456}}\n\ndata: [DONE]\n\n`));
    assert.deepEqual(parseExactUsd(sse.finish().cost ?? ""), parseExactUsd("0.000000123456"));

    const negative = chatCompletionJsonMeter(withCost);
    negative.push(Buffer.from(JSON.stringify({ usage: { prompt_tokens: 1, completion_tokens: 1, cost: -0.5 } })));
    assert.equal(negative.finish().cost, null, "a negative cost is no cost");
  });
});

describe("the hold covers the worst case the upstream can bill (invariant 3)", () => {
  const model = parseModelPrice(
    { prompt: "0.00000015", completion: "0.0000006", request: "0.005", image: "0.001", web_search: "0.004", input_cache_write: "0.0000002", internal_reasoning: "0.000001" },
    { maxCompletionTokens: 16_384, contextLength: 128_000 },
  )!;

  it("without max_tokens, assumes the model's own maximum completion, not a flat cap", () => {
    const worst = worstCase(model, bound({ bodyBytes: 100 }), 4096);
    assert.equal(worst.completionBound, 16_384);
    // 100 prompt tokens at the dearer cache-write price, 16,384 at the dearer reasoning price, + the request price.
    assert.equal(holdFor(worst, 0n), 100n * 200n + 16_384n * 1_000n + 5_000_000n);
    const noLimits = parseModelPrice({ prompt: "0.000001", completion: "0.000001" })!;
    assert.equal(worstCase(noLimits, bound({ bodyBytes: 10 }), 4096).completionBound, 4096, "a model that says nothing: the configured cap");
    const contextOnly = parseModelPrice({ prompt: "0.000001", completion: "0.000001" }, { contextLength: 32_000 })!;
    assert.equal(worstCase(contextOnly, bound({ bodyBytes: 10 }), 4096).completionBound, 32_000, "a model with only a context length: that");
  });

  it("never counts more prompt tokens than the model's context holds (a base64 image is not 750,000 tokens)", () => {
    const worst = worstCase(model, bound({ bodyBytes: 750_000, maxTokens: 10, images: 1 }), 4096);
    assert.equal(holdFor(worst, 0n), 128_000n * 200n + 10n * 1_000n + 5_000_000n + 1_000_000n);
  });

  it("counts an inline image as one image (up to IMAGE_TOKENS_BOUND tokens), not as its base64 bytes; a linked image too", () => {
    // 750,000 bytes of which 749,000 are a data URL: 1,000 text bytes + 50,000 for the image.
    const inline = worstCase(model, bound({ bodyBytes: 750_000, imageBytes: 749_000, images: 1, maxTokens: 10 }), 4096);
    assert.equal(holdFor(inline, 0n), (1_000n + 50_000n) * 200n + 10n * 1_000n + 5_000_000n + 1_000_000n);
    // A linked image is a few bytes of URL but still up to 50,000 tokens upstream.
    const linked = worstCase(model, bound({ bodyBytes: 300, images: 1, maxTokens: 10 }), 4096);
    assert.equal(holdFor(linked, 0n), (300n + 50_000n) * 200n + 10n * 1_000n + 5_000_000n + 1_000_000n);
  });

  it("counts n choices, each image, a web search, and takes a max_tokens above the model's maximum as the maximum", () => {
    const worst = worstCase(model, bound({ bodyBytes: 10, maxTokens: 50_000, n: 4, images: 2, webSearch: true }), 4096);
    assert.equal(worst.completionBound, 16_384);
    assert.equal(holdFor(worst, 0n), (10n + 2n * 50_000n) * 200n + 4n * 16_384n * 1_000n + 5_000_000n + 2n * 1_000_000n + 4_000_000n);
    assert.equal(holdFor(worstCase(model, bound({ bodyBytes: 10, embedding: true, n: 4 }), 4096), 0n), 10n * 200n + 5_000_000n, "embeddings: no completion");
  });

  it("fit_to_balance asks for the same worst case with a smaller completion bound", () => {
    const worst = worstCase(model, bound({ bodyBytes: 10, maxTokens: 1000, n: 2 }), 4096);
    const fit = fitRequest(worst, 1_000n);
    assert.deepEqual([fit.minTokens, fit.maxTokens], [1, 1000]);
    const whole = fitTokens(fit, holdFor(worst, 1_000n));
    assert.deepEqual(whole, { tokens: 1000, amount: holdFor(worst, 1_000n) });
    const half = fitTokens(fit, holdFor(worstCase(model, bound({ bodyBytes: 10, maxTokens: 500, n: 2 }), 4096), 1_000n));
    assert.equal(half?.tokens, 500);
    assert.equal(fitTokens(fit, 1n), null, "not even one token fits");
  });
});

describe("published prices with the markup (/v1/models)", () => {
  it("marks up the exact per-token price, rounded up at 18 decimals", () => {
    assert.equal(markedUpPrice("0.00000015", 1_000n), "0.000000165");
    assert.equal(markedUpPrice("0.0000000375", 0n), "0.0000000375");
    assert.equal(markedUpPrice("0", 2_500n), "0");
    assert.equal(markedUpPrice("3e-7", 5_000n), "0.00000045");
  });

  it("keeps a price with more than 18 decimals at its size (rounded up, never 10^k too large)", () => {
    // 1.5e-20 USD per token, no markup: 0.000000000000000015 → rounds up to 1e-18.
    assert.equal(markedUpPrice("0.000000000000000000015", 0n), "0.000000000000000001");
    assert.equal(markedUpPrice("0.00000000000000000123456", 0n), "0.000000000000000002");
  });

  it("leaves a string that is not a price as it came", () => {
    assert.equal(markedUpPrice("-1", 100n), "-1");
    assert.equal(markedUpPrice("free", 100n), "free");
  });
});
