// A call's price is computed exactly and rounded once (DESIGN §4): a cost with digits below the
// nano-USD keeps them until its markup is applied.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyMarkup, parseExactUsd, toNanos, usdNumberToExact } from "../../src/ledger/money.js";
import { holdAmount, parseModelPrice, perCallPrice, tokensCost } from "../../src/ledger/pricing.js";
import { markedUpPrice } from "../../src/proxy/accountEndpoints.js";
import { createJsonMeter, createSseMeter } from "../../src/proxy/meter.js";

describe("pricing rounds once", () => {
  it("marks up the exact cost, not the cost rounded to the nano-USD", () => {
    // 123.45 nano-USD with a 10% markup is 135.795: charged 136. Rounding the cost first gives 135.
    const cost = usdNumberToExact(1.2345e-7);
    assert.deepEqual(cost, { numerator: 12345n, scale: 11 });
    assert.equal(toNanos(cost!), 123n, "the upstream cost on record, rounded once");
    assert.equal(toNanos(cost!, 1_000n), 136n);
    assert.equal(applyMarkup(toNanos(cost!), 1_000n), 135n, "what rounding twice would have charged");
  });

  it("prices tokens exactly, then rounds once with the markup", () => {
    const price = parseModelPrice({ prompt: "0.0000000375", completion: "0.00000015" }, 4096)!;
    // 3 × 37.5 + 2 × 150 = 412.5 nano-USD; × 1.01 = 416.625 → 417
    const cost = tokensCost(price, 3, 2);
    assert.equal(toNanos(cost), 413n);
    assert.equal(toNanos(cost, 100n), 417n);
  });

  it("rounds a hold up once, so it is never short of the charge", () => {
    const price = parseModelPrice({ prompt: "0.0000000375", completion: "0.0000000375" }, 4096)!;
    const metering = { kind: "per_token", usage: "openai_body" } as const;
    // 2 tokens × 37.5 = 75 nano-USD exactly: nothing to round.
    assert.equal(holdAmount({ metering, price, promptBound: 2, completionBound: 0, markupBps: 0n }), 75n);
    // 1 token × 37.5 × 1.0001 = 37.50375: up to 38 (half up would give 38 too; 37.5 alone, below, gives 38 either way).
    const hold = holdAmount({ metering, price, promptBound: 1, completionBound: 0, markupBps: 1n });
    assert.equal(hold, 38n);
    // 0.2 nano-USD rounds up to 1, where half up gives 0: a hold is never short.
    const cheap = parseModelPrice({ prompt: "0.0000000002", completion: "0" }, 4096)!;
    assert.equal(holdAmount({ metering, price: cheap, promptBound: 1, completionBound: 0, markupBps: 0n }), 1n);
    assert.equal(toNanos(tokensCost(cheap, 1, 0)), 0n);
  });

  it("prices a per-call integration from its exact catalog price", () => {
    // $0.0000000015 per call (1.5 nano-USD) with a 50% markup is 2.25 → 2; rounding first gives 2 × 1.5 = 3.
    assert.equal(perCallPrice("0.0000000015", 5_000n), 2n);
    assert.equal(perCallPrice("0.002", 0n), 2_000_000n);
  });

  it("reads usage.cost from an answer without rounding it", () => {
    const json = createJsonMeter(1 << 20);
    json.push(Buffer.from(JSON.stringify({ id: "gen-1", usage: { prompt_tokens: 3, completion_tokens: 4, cost: 1.2345e-7 } })));
    assert.deepEqual(json.finish().cost, { numerator: 12345n, scale: 11 });

    const sse = createSseMeter();
    sse.push(Buffer.from(`data: {"id":"gen-2","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"cost":0.000000123456}}\n\ndata: [DONE]\n\n`));
    assert.deepEqual(sse.finish().cost, parseExactUsd("0.000000123456"));

    const negative = createJsonMeter(1 << 20);
    negative.push(Buffer.from(JSON.stringify({ usage: { prompt_tokens: 1, completion_tokens: 1, cost: -0.5 } })));
    assert.equal(negative.finish().cost, null, "a negative cost is no cost");
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
