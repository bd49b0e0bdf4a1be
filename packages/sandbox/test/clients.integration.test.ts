// The official clients, pointed straight at the sandbox, complete calls and read usage and cost;
// the audit log's totals equal the sum of the costs the clients saw, to the nano-USD.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { OpenRouter } from "@openrouter/sdk";
import OpenAI from "openai";
import { completionText, embeddingVector, startSandbox, usdToNanos, type Sandbox } from "../src/index.ts";

const KEY = "sk-or-v1-clients";
const messages = [{ role: "user" as const, content: "hello world" }]; // 3 + 4 = 7 prompt tokens → 37 completion tokens

interface CostUsage {
  cost?: number;
  is_byok?: boolean;
}

describe("official clients against the sandbox", () => {
  let sandbox: Sandbox;
  let openai: OpenAI;
  let openrouter: OpenRouter;
  const seenNanos: bigint[] = [];

  before(async () => {
    sandbox = await startSandbox({ keys: [KEY] });
    openai = new OpenAI({ apiKey: KEY, baseURL: sandbox.baseUrl, maxRetries: 0 });
    openrouter = new OpenRouter({ apiKey: KEY, serverURL: sandbox.baseUrl });
  });
  after(() => sandbox.close());

  it("openai: non-streaming chat with usage and cost", async () => {
    const { data, response } = await openai.chat.completions.create({ model: "openai/gpt-4o-mini", messages }).withResponse();
    assert.match(data.id, /^gen-\d+-[0-9A-Za-z]{20}$/);
    assert.equal(response.headers.get("x-generation-id"), data.id);
    assert.equal(data.choices[0]?.message.content, completionText(37, 7));
    assert.equal(data.choices[0]?.finish_reason, "stop");
    assert.equal((data as unknown as { provider: string }).provider, "OpenAI");
    assert.equal(data.usage?.prompt_tokens, 7);
    assert.equal(data.usage?.completion_tokens, 37);
    assert.equal(data.usage?.total_tokens, 44);
    const usage = data.usage as CostUsage;
    assert.equal(usage.cost, 0.00002325); // 7 × 0.15 + 37 × 0.6 µ$
    assert.equal(usage.is_byok, false);
    seenNanos.push(usdToNanos(String(usage.cost)));
  });

  it("openai: streaming chat, one content chunk per token, usage last", async () => {
    const stream = await openai.chat.completions.create({ model: "anthropic/claude-sonnet-4", messages, stream: true, max_tokens: 12 });
    let content = "";
    let contentChunks = 0;
    let finish: string | null = null;
    let usage: (CostUsage & { completion_tokens: number }) | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        content += choice.delta.content;
        contentChunks++;
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) {
        assert.equal(chunk.choices.length, 0, "the usage chunk has no choices");
        usage = chunk.usage as unknown as CostUsage & { completion_tokens: number };
      }
    }
    assert.equal(content, completionText(12, 7));
    assert.equal(contentChunks, 12);
    assert.equal(finish, "length", "max_tokens cut it");
    assert.equal(usage?.completion_tokens, 12);
    assert.equal(usage?.cost, 0.000201); // 7 × 3 + 12 × 15 µ$
    seenNanos.push(usdToNanos(String(usage?.cost)));
  });

  it("openai: legacy completions, streaming and not", async () => {
    const plain = await openai.completions.create({ model: "openai/gpt-4o-mini", prompt: "hello world", max_tokens: 5 });
    assert.equal(plain.choices[0]?.text, completionText(5, 3));
    assert.equal(plain.usage?.prompt_tokens, 3);
    seenNanos.push(usdToNanos(String((plain.usage as CostUsage).cost)));

    const stream = await openai.completions.create({ model: "openai/gpt-4o-mini", prompt: "hello world", max_tokens: 5, stream: true });
    let text = "";
    let cost: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      if (chunk.usage) cost = (chunk.usage as CostUsage).cost;
    }
    assert.equal(text, completionText(5, 3));
    assert.equal(cost, (plain.usage as CostUsage).cost);
    seenNanos.push(usdToNanos(String(cost)));
  });

  it("openai: embeddings (base64 by default, and float with dimensions)", async () => {
    const res = await openai.embeddings.create({ model: "openai/text-embedding-3-small", input: ["hello world", "abc"] });
    assert.equal(res.data.length, 2);
    assert.equal(res.data[0]?.embedding.length, 1536);
    assert.deepEqual(res.data[1]?.embedding, Array.from(embeddingVector("abc", 1536)));
    assert.equal(res.usage.prompt_tokens, 4); // 3 + 1
    const cost = (res.usage as unknown as CostUsage).cost;
    assert.equal(cost, 8e-8);
    seenNanos.push(usdToNanos(String(cost)));

    const small = await openai.embeddings.create({ model: "openai/text-embedding-3-small", input: "hello world", dimensions: 8, encoding_format: "float" });
    assert.deepEqual(small.data[0]?.embedding, Array.from(embeddingVector("hello world", 8)));
    seenNanos.push(usdToNanos(String((small.usage as unknown as CostUsage).cost)));
  });

  it("@openrouter/sdk: non-streaming chat", async () => {
    const result = await openrouter.chat.send({ chatRequest: { model: "perplexity/sonar", messages, stream: false } });
    assert.ok(!(Symbol.asyncIterator in result));
    if (Symbol.asyncIterator in result) return;
    assert.equal(result.choices[0]?.message.content, completionText(37, 7));
    assert.equal(result.usage?.cost, 0.005044); // 5000 µ$ per request + 44 tokens × 1 µ$
    assert.equal(result.usage?.isByok, false);
    seenNanos.push(usdToNanos(String(result.usage?.cost)));
  });

  it("@openrouter/sdk: streaming chat", async () => {
    const result = await openrouter.chat.send({ chatRequest: { model: "google/gemini-2.0-flash-001", messages, stream: true, maxTokens: 20 } });
    assert.ok(Symbol.asyncIterator in result);
    if (!(Symbol.asyncIterator in result)) return;
    let content = "";
    let cost: number | null | undefined;
    let native: unknown;
    for await (const chunk of result) {
      content += chunk.choices[0]?.delta.content ?? "";
      if (chunk.choices[0]?.finishReason) native = (chunk.choices[0] as unknown as Record<string, unknown>).native_finish_reason ?? "n/a";
      if (chunk.usage) cost = chunk.usage.cost;
    }
    assert.equal(content, completionText(20, 7));
    assert.equal(cost, 0.0000087); // 7 × 0.1 + 20 × 0.4 µ$
    assert.ok(native !== undefined);
    seenNanos.push(usdToNanos(String(cost)));
  });

  it("@openrouter/sdk: key, credits, generation and models", async () => {
    const key = await openrouter.apiKeys.getCurrentKeyMetadata();
    assert.equal(key.data.limit, null);
    assert.equal(key.data.isFreeTier, false);
    const credits = await openrouter.credits.getCredits();
    assert.equal(usdToNanos(credits.data.totalUsage), seenNanos.reduce((a, b) => a + b, 0n));

    const last = sandbox.calls({ served: true }).at(-1);
    assert.ok(last);
    const generation = await openrouter.generations.getGeneration({ id: last.id });
    assert.equal(generation.data.id, last.id);
    assert.equal(generation.data.totalCost, last.costUsd);
    assert.equal(generation.data.tokensCompletion, 20);
    assert.equal(generation.data.streamed, true);
    assert.equal(generation.data.providerName, "Google");
    assert.equal(generation.data.nativeFinishReason, "MAX_TOKENS");

    const models = await openrouter.models.list();
    const ids = models.result.data.map((m) => m.id);
    assert.ok(ids.includes("meta-llama/llama-3.3-70b-instruct:free"));
  });

  it("the audit totals equal the sum of the costs the clients saw", () => {
    const totals = sandbox.totals();
    const seen = seenNanos.reduce((a, b) => a + b, 0n);
    assert.equal(totals.overall.costNanos, seen);
    assert.equal(totals.byKey[KEY]?.costNanos, seen);
    assert.equal(totals.overall.served, seenNanos.length);
    assert.equal(sandbox.calls().reduce((s, c) => s + c.costNanos, 0n), seen);
    for (const call of sandbox.calls()) assert.equal(usdToNanos(String(call.costUsd)), call.costNanos);
  });
});
