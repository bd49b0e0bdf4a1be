// The OpenRouter adapter's meter on recorded answers (docs/money.md, invariant 4), kept as fixtures
// in test/fixtures/transcripts/openrouter — its stream (keep-alive comments, usage with its cost in
// a last chunk with no choices), usage split across events, CRLF line ends, an error chunk after
// output, a JSON answer after warm-up whitespace, a 200 that carries only an error — and OpenAI-style
// answers without a cost (a null usage on every chunk until the last; cache-write and reasoning
// details), which the dialect both speak. Every fixture is also fed in small slices, as bytes
// arrive from a socket. Costs stay the exact text the upstream wrote.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { adapterFor, type Meter, type MeteredUsage } from "../../adapters/index.ts";
import { getIntegration } from "../../src/index.ts";

const adapter = adapterFor(getIntegration("openrouter"));
const fixture = (name: string) => readFileSync(new URL(`../fixtures/transcripts/${name.includes("/") ? name : `openrouter/${name}`}`, import.meta.url));

function meterAll(meter: Meter, bytes: Buffer, slice: number): MeteredUsage {
  for (let i = 0; i < bytes.length; i += slice) meter.push(bytes.subarray(i, i + slice));
  return meter.finish();
}

/** The fixture metered whole and in 1, 3 and 7-byte slices: every way must read the same. */
function metered(name: string, make: () => Meter): MeteredUsage {
  const bytes = fixture(name);
  const whole = meterAll(make(), bytes, bytes.length);
  for (const slice of [1, 3, 7]) assert.deepEqual(meterAll(make(), bytes, slice), whole, `${name} in ${slice}-byte slices`);
  return whole;
}

const request = { endpoint: "chat", models: [], model: null, stream: false, bound: { bodyBytes: 0, maxTokens: null, n: 1, images: 0, imageBytes: 0, webSearch: false, embedding: false }, units: 1, fields: null };
const sse = () => adapter.meter(request, true);
const json = () => adapter.meter(request, false);
const none = { cacheWriteLongTokens: 0, units: null };

describe("meter conformance on recorded answer shapes", () => {
  it("OpenRouter's stream: comments skipped, usage with its exact cost and cached tokens from the last chunk", () => {
    assert.deepEqual(metered("chat.sse", sse), {
      promptTokens: 14,
      completionTokens: 2,
      cachedTokens: 4,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      ...none,
      cost: "0.0000033123",
      generationId: "gen-1733-abc",
      estimated: false,
      refused: false,
      finishReason: "stop",
    });
  });

  it("the same stream with CRLF line ends reads the same", () => {
    assert.deepEqual(metered("chat-crlf.sse", sse), metered("chat.sse", sse));
  });

  it("OpenAI's stream with include_usage: null usage on every chunk, the real one last (no cost: the price book prices it)", () => {
    assert.deepEqual(metered("openai/include-usage.sse", sse), {
      promptTokens: 9,
      completionTokens: 30,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 12,
      ...none,
      cost: null,
      generationId: "chatcmpl-B9xyz",
      estimated: false,
      refused: false,
      finishReason: "length",
    });
  });

  it("usage split across events is folded together, later fields winning", () => {
    assert.deepEqual(metered("split-usage.sse", sse), {
      promptTokens: 120,
      completionTokens: 2,
      cachedTokens: 100,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      ...none,
      cost: "4.213e-8", // the JSON number 0.00000004213, as JavaScript writes it: exact
      generationId: "gen-split-1",
      estimated: false,
      refused: false,
      finishReason: "stop",
    });
  });

  it("an error chunk after output: no usage came, so the content events are counted and the generation is kept for the upstream's record", () => {
    assert.deepEqual(metered("error-after-output.sse", sse), {
      promptTokens: 0,
      completionTokens: 4,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      ...none,
      cost: null,
      generationId: "gen-err-9",
      estimated: true,
      refused: false,
      finishReason: "error",
    });
  });

  it("a JSON answer after OpenRouter's warm-up whitespace", () => {
    assert.deepEqual(metered("whitespace.json", json), {
      promptTokens: 2000,
      completionTokens: 60,
      cachedTokens: 1500,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      ...none,
      cost: "0.0002245",
      generationId: "gen-json-2",
      estimated: false,
      refused: false,
      finishReason: "stop",
    });
  });

  it("a JSON answer with no cost: cached, cache-write and reasoning tokens are read for the price book", () => {
    assert.deepEqual(metered("openai/no-cost.json", json), {
      promptTokens: 1200,
      completionTokens: 40,
      cachedTokens: 1024,
      cacheWriteTokens: 100,
      reasoningTokens: 25,
      ...none,
      cost: null,
      generationId: "chatcmpl-C1",
      estimated: false,
      refused: false,
      finishReason: "stop",
    });
  });

  it("a 200 that carries only an error is a refusal: nothing to bill", () => {
    const usage = metered("error-200.json", json);
    assert.equal(usage.refused, true);
    assert.equal(usage.estimated, false);
  });
});

describe("a large JSON answer's usage is read from its tail", () => {
  const answer = (content: string, usageFirst = false) => {
    const usage = { prompt_tokens: 70_000, completion_tokens: 60_000, cost: 0.0361234567, prompt_tokens_details: { cached_tokens: 5 } };
    const choices = [{ index: 0, message: { role: "assistant", content }, finish_reason: "length" }];
    return Buffer.from(JSON.stringify(usageFirst ? { id: "gen-big-1", usage, choices } : { id: "gen-big-1", choices, usage }));
  };
  const expected = {
    promptTokens: 70_000,
    completionTokens: 60_000,
    cachedTokens: 5,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    ...none,
    cost: "0.0361234567",
    generationId: "gen-big-1",
    estimated: false,
    refused: false,
    finishReason: "length",
  };
  // 3 MB of text that itself talks about "usage", braces and quotes, as a model might.
  const text = `the "usage": {"cost": 99} of {braces} and \\"quotes\\" `.repeat(60_000);

  it("usage last, 3 MB of content that mentions usage: the same figures as a full parse", () => {
    const body = answer(text);
    assert.ok(body.length > 3_000_000);
    assert.deepEqual(meterAll(json(), body, 65_536), expected);
  });

  it("usage first (another provider's order): still the top-level usage", () => {
    assert.deepEqual(meterAll(json(), answer(text, true), 65_536), expected);
  });

  it("only the tail is read: a body whose middle would not parse still yields its usage", () => {
    const body = Buffer.from(`{"id":"gen-big-2","choices":[${"x".repeat(100_000)}],"usage":{"prompt_tokens":3,"completion_tokens":4,"cost":0.000001}}`);
    const usage = meterAll(json(), body, 65_536);
    assert.deepEqual([usage.promptTokens, usage.completionTokens, usage.estimated, usage.generationId], [3, 4, false, "gen-big-2"]);
  });
});
