import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { usdToNanos } from "../src/money.ts";
import { findModel, modelsResponseBody, sandboxModels } from "../src/models.ts";

describe("sandboxModels", () => {
  it("covers the cases the spec asks for", () => {
    const chat = sandboxModels.filter((m) => m.kind === "chat");
    assert.ok(chat.length >= 12, `a dozen chat models, got ${chat.length}`);
    assert.ok(chat.some((m) => m.id.endsWith(":free") && m.pricing.prompt === "0" && m.pricing.completion === "0"));
    assert.ok(chat.some((m) => m.pricing.request !== undefined && usdToNanos(m.pricing.request) > 0n));
    assert.ok(chat.some((m) => m.pricing.input_cache_read !== undefined));
    assert.equal(findModel("openai/text-embedding-3-small")?.kind, "embedding");
    const prices = chat.map((m) => usdToNanos(m.pricing.completion));
    assert.ok(prices.some((p) => p <= 100n) && prices.some((p) => p >= 60_000n), "cheap and expensive models");
  });

  it("has unique ids and valid decimal prices", () => {
    assert.equal(new Set(sandboxModels.map((m) => m.id)).size, sandboxModels.length);
    for (const m of sandboxModels) {
      for (const [field, price] of Object.entries(m.pricing)) {
        assert.match(price, /^\d+(\.\d+)?$/, `${m.id} ${field}`);
        assert.ok(usdToNanos(price) >= 0n);
      }
      assert.ok(m.contextLength > 0);
      if (m.kind === "chat") assert.ok(m.maxCompletionTokens > 0);
    }
  });

  it("renders OpenRouter's /models shape", () => {
    const body = JSON.parse(modelsResponseBody) as { data: Array<Record<string, unknown>> };
    assert.equal(body.data.length, sandboxModels.length);
    const sonar = body.data.find((m) => m.id === "perplexity/sonar") as { pricing: Record<string, string>; context_length: number; top_provider: { max_completion_tokens: number } };
    assert.deepEqual(sonar.pricing, { prompt: "0.000001", completion: "0.000001", request: "0.005" });
    assert.equal(sonar.context_length, 127_072);
    assert.equal(sonar.top_provider.max_completion_tokens, 8_000);
  });
});
