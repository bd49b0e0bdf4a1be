import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatNanos, nanosToUsd, priceNanos, usdToNanos } from "../src/money.ts";

describe("usdToNanos", () => {
  it("parses plain decimals exactly", () => {
    assert.equal(usdToNanos("0"), 0n);
    assert.equal(usdToNanos("1"), 1_000_000_000n);
    assert.equal(usdToNanos("0.000003"), 3_000n);
    assert.equal(usdToNanos("0.000000001"), 1n);
    assert.equal(usdToNanos("12.345678901"), 12_345_678_901n);
    assert.equal(usdToNanos("5."), 5_000_000_000n);
    assert.equal(usdToNanos(".5"), 500_000_000n);
    assert.equal(usdToNanos("+2"), 2_000_000_000n);
    assert.equal(usdToNanos("-0.25"), -250_000_000n);
    assert.equal(usdToNanos("000123.4500"), 123_450_000_000n);
  });

  it("accepts exponent notation", () => {
    assert.equal(usdToNanos("1.23e-7"), 123n);
    assert.equal(usdToNanos("1E-9"), 1n);
    assert.equal(usdToNanos("2.5e3"), 2_500_000_000_000n);
    assert.equal(usdToNanos("15e-10"), 2n); // 1.5 nanos rounds half-up
    assert.equal(usdToNanos("0.0e+0"), 0n);
  });

  it("rounds half-up beyond 9 decimals, once", () => {
    assert.equal(usdToNanos("0.0000000005"), 1n);
    assert.equal(usdToNanos("0.0000000004999999"), 0n);
    assert.equal(usdToNanos("0.0000000014999"), 1n);
    assert.equal(usdToNanos("0.0000000015"), 2n);
    assert.equal(usdToNanos("1.9999999995"), 2_000_000_000n);
    assert.equal(usdToNanos("-0.0000000015"), -2n, "half away from zero for negatives");
  });

  it("handles amounts beyond Number precision", () => {
    assert.equal(usdToNanos("123456789012345678.123456789"), 123456789012345678123456789n);
  });

  it("reads numbers through their shortest decimal form", () => {
    assert.equal(usdToNanos(0.00002325), 23_250n);
    assert.equal(usdToNanos(2e-8), 20n);
    assert.equal(usdToNanos(1.5e-7), 150n);
  });

  it("rejects what is not a decimal", () => {
    for (const bad of ["", ".", "e5", "1e", "abc", "1.2.3", " 1", "1 ", "0x10", "1,5", "--1", "Infinity", "NaN"]) {
      assert.throws(() => usdToNanos(bad), TypeError, JSON.stringify(bad));
    }
    assert.throws(() => usdToNanos(Number.NaN), TypeError);
    assert.throws(() => usdToNanos(Infinity), TypeError);
    assert.throws(() => usdToNanos("1e999999"), RangeError);
  });
});

describe("nanosToUsd round trip", () => {
  it("the reported USD number converts back to the exact nanos", () => {
    const samples = [0n, 1n, 7n, 20n, 150n, 2_850n, 23_250n, 999_999_999n, 1_000_000_001n, 123_456_789_012n, 999_999_999_999_999n];
    let x = 0x2545f491n;
    for (let i = 0; i < 5000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
      samples.push(x % 1_000_000_000_000_000n); // < 1e15 nanos = one million USD
    }
    for (const nanos of samples) {
      const usd = nanosToUsd(nanos);
      assert.equal(usdToNanos(String(usd)), nanos, `${nanos} → ${usd}`);
      assert.equal(usdToNanos(JSON.parse(JSON.stringify({ usd })).usd as number), nanos);
    }
  });
});

describe("formatNanos", () => {
  it("prints exact decimals without trailing zeros", () => {
    assert.equal(formatNanos(0n), "0");
    assert.equal(formatNanos(1n), "0.000000001");
    assert.equal(formatNanos(1_500n), "0.0000015");
    assert.equal(formatNanos(2_000_000_000n), "2");
    assert.equal(formatNanos(-123_450_000_000n), "-123.45");
    assert.equal(usdToNanos(formatNanos(987_654_321_123n)), 987_654_321_123n);
  });
});

describe("priceNanos", () => {
  const mini = { prompt: "0.00000015", completion: "0.0000006" };

  it("sums tokens × prices exactly", () => {
    assert.equal(priceNanos(mini, { promptTokens: 7, completionTokens: 37 }), 23_250n); // 1.05 + 22.2 µ$
    assert.equal(priceNanos({ prompt: "0.000003", completion: "0.000015" }, { promptTokens: 1000, completionTokens: 500 }), 10_500_000n);
    assert.equal(priceNanos({ prompt: "0", completion: "0" }, { promptTokens: 123, completionTokens: 456 }), 0n);
  });

  it("rounds once, not per term", () => {
    // 0.4 + 0.4 nanos: rounding each term would give 0; the exact sum 0.8 rounds to 1.
    const tiny = { prompt: "0.0000000004", completion: "0.0000000004" };
    assert.equal(priceNanos(tiny, { promptTokens: 1, completionTokens: 1 }), 1n);
    // 3 × 0.0375 nanos = 0.1125 → 0; 13 × 0.0375 = 0.4875 → 0; 14 × 0.0375 = 0.525 → 1.
    const lite = { prompt: "0.0000000000375", completion: "0" };
    assert.equal(priceNanos(lite, { promptTokens: 13, completionTokens: 0 }), 0n);
    assert.equal(priceNanos(lite, { promptTokens: 14, completionTokens: 0 }), 1n);
  });

  it("rounds exactly-half up", () => {
    const half = { prompt: "0.0000000005", completion: "0" };
    assert.equal(priceNanos(half, { promptTokens: 1, completionTokens: 0 }), 1n);
    assert.equal(priceNanos(half, { promptTokens: 3, completionTokens: 0 }), 2n); // 1.5 → 2
  });

  it("adds the per-request price once per request", () => {
    const sonar = { prompt: "0.000001", completion: "0.000001", request: "0.005" };
    assert.equal(priceNanos(sonar, { promptTokens: 10, completionTokens: 20 }), 5_030_000n);
    assert.equal(priceNanos(sonar, { promptTokens: 0, completionTokens: 0, requests: 3 }), 15_000_000n);
  });

  it("prices cached prompt tokens at input_cache_read", () => {
    const sonnet = { prompt: "0.000003", completion: "0.000015", input_cache_read: "0.0000003" };
    // 600 uncached × 3000 + 400 cached × 300 + 10 × 15000 nanos
    assert.equal(priceNanos(sonnet, { promptTokens: 1000, completionTokens: 10, cachedTokens: 400 }), 1_800_000n + 120_000n + 150_000n);
    // Without a cache price, cached tokens cost the prompt price.
    assert.equal(priceNanos(mini, { promptTokens: 10, completionTokens: 0, cachedTokens: 10 }), 1_500n);
  });

  it("accepts exponent notation in prices", () => {
    assert.equal(priceNanos({ prompt: "1.5e-7", completion: "6e-7" }, { promptTokens: 7, completionTokens: 37 }), 23_250n);
  });

  it("is exact for large counts", () => {
    assert.equal(priceNanos({ prompt: "0.000000075", completion: "0.0000003" }, { promptTokens: 9_007_199_254_740_991, completionTokens: 0 }), 675_539_944_105_574_325n);
  });

  it("rejects bad input", () => {
    assert.throws(() => priceNanos(mini, { promptTokens: -1, completionTokens: 0 }), RangeError);
    assert.throws(() => priceNanos(mini, { promptTokens: 1.5, completionTokens: 0 }), RangeError);
    assert.throws(() => priceNanos(mini, { promptTokens: 1, completionTokens: 0, cachedTokens: 2 }), RangeError);
    assert.throws(() => priceNanos({ prompt: "-1", completion: "-1" }, { promptTokens: 1, completionTokens: 1 }), RangeError);
    assert.throws(() => priceNanos({ prompt: "cheap", completion: "0" }, { promptTokens: 1, completionTokens: 1 }), TypeError);
  });
});
