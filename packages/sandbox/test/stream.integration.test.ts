// Streams as OpenRouter sends them: raw bytes, comment lines, one chunk per token, no buffering.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { completionText, startSandbox, tokenPiece, type Sandbox } from "../src/index.ts";
import { rawPost, sseChunks, sseData, type SseChunk } from "./support/http.ts";

const KEY = "sk-or-v1-stream";
const chat = (extra: Record<string, unknown> = {}) => ({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello world" }], stream: true, ...extra });

describe("streaming", () => {
  let sandbox: Sandbox;
  let url: string;
  before(async () => {
    sandbox = await startSandbox({ keys: [KEY] });
    url = `${sandbox.baseUrl}/chat/completions`;
  });
  after(() => sandbox.close());

  it("sends a comment first, then role, one chunk per token, finish, usage, [DONE]", async () => {
    const res = await rawPost(url, chat(), KEY, { headers: { "x-sandbox-completion-tokens": "4" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "text/event-stream");
    assert.match(String(res.headers["x-generation-id"]), /^gen-/);
    assert.ok(res.text.startsWith(": OPENROUTER PROCESSING\n\ndata: {"), "a comment line before the first chunk, as a comment");
    assert.ok(res.text.endsWith("\n\ndata: [DONE]\n\n"));
    assert.ok(!res.text.includes("data: :"), "never a comment wrapped in data:");

    const events = sseData(res.text);
    assert.equal(events.length, 1 + 4 + 1 + 1 + 1);
    assert.equal(events.at(-1), "[DONE]");
    const [role, ...rest] = sseChunks(res.text);
    assert.deepEqual(role?.choices[0]?.delta, { role: "assistant", content: "" });
    for (let i = 0; i < 4; i++) {
      const chunk = rest[i];
      assert.equal(chunk?.id, res.headers["x-generation-id"]);
      assert.equal(chunk?.object, "chat.completion.chunk");
      assert.equal(chunk?.provider, "OpenAI");
      assert.equal(chunk?.choices[0]?.delta?.content, tokenPiece(i, 7));
      assert.equal(chunk?.choices[0]?.finish_reason, null);
    }
    assert.equal(rest[4]?.choices[0]?.finish_reason, "stop");
    assert.equal(rest[4]?.choices[0]?.native_finish_reason, "stop");
    const usage = rest[5];
    assert.deepEqual(usage?.choices, []);
    assert.deepEqual(
      { ...usage?.usage, prompt_tokens_details: undefined, completion_tokens_details: undefined, cost_details: undefined },
      { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11, cost: 0.00000345, is_byok: false, prompt_tokens_details: undefined, completion_tokens_details: undefined, cost_details: undefined },
    );
    assert.equal(usage?.usage?.prompt_tokens_details.cached_tokens, 0);
    assert.equal(usage?.usage?.completion_tokens_details.reasoning_tokens, 0);
    assert.equal(usage?.usage?.cost_details.upstream_inference_prompt_cost, 0.00000105);
    assert.equal(rest.length, 6);
  });

  it("delivers each chunk as produced (chunk-delay shows in arrival times)", async () => {
    const res = await rawPost(url, chat(), KEY, { headers: { "x-sandbox-fault": "chunk-delay=60, tokens=5" } });
    // Arrival 0: comment + role chunk (same tick). Then one arrival per content chunk.
    const contentArrivals = res.arrivals.filter((a) => a.data.includes('"content":"') && !a.data.includes('"content":""'));
    assert.equal(contentArrivals.length, 5, "each content chunk arrived on its own");
    for (const a of contentArrivals) assert.equal(a.data.split("data: ").length - 1, 1, "one chunk per arrival");
    const first = res.arrivals[0];
    assert.ok(first && first.data.startsWith(": OPENROUTER PROCESSING"));
    assert.ok((contentArrivals[0]?.at ?? 0) - first.at >= 45, "the comment came before the first chunk was produced");
    for (let i = 1; i < contentArrivals.length; i++) {
      const gap = (contentArrivals[i]?.at ?? 0) - (contentArrivals[i - 1]?.at ?? 0);
      assert.ok(gap >= 45, `gap ${gap.toFixed(1)} ms between chunks ${i - 1} and ${i}`);
    }
    const total = (res.arrivals.at(-1)?.at ?? 0) - first.at;
    assert.ok(total >= 5 * 55, `a 5 × 60 ms stream took ${total.toFixed(0)} ms`);
  });

  it("max_tokens and max_completion_tokens cap the completion", async () => {
    const capped = sseChunks((await rawPost(url, chat({ max_tokens: 3 }), KEY)).text);
    assert.equal(capped.filter((e) => e.choices[0]?.delta?.content).length, 3);
    assert.equal(capped.at(-1)?.usage?.completion_tokens, 3);
    assert.equal(capped.at(-2)?.choices[0]?.finish_reason, "length");

    const both = await rawPost(url, chat({ stream: false, max_tokens: 9, max_completion_tokens: 4 }), KEY);
    const body = JSON.parse(both.text) as SseChunk;
    assert.equal(body.usage?.completion_tokens, 4);
    assert.equal(body.choices[0]?.message?.content, completionText(4, 7));
    assert.equal(body.choices[0]?.finish_reason, "length");

    const exact = JSON.parse((await rawPost(url, chat({ stream: false, max_tokens: 50 }), KEY, { headers: { "x-sandbox-completion-tokens": "50" } })).text) as SseChunk;
    assert.equal(exact.usage?.completion_tokens, 50);
    assert.equal(exact.choices[0]?.finish_reason, "stop", "exactly at the cap is a natural stop");

    const bad = await rawPost(url, chat({ max_tokens: 0 }), KEY);
    assert.equal(bad.status, 400);
  });

  it("the model's max_completion_tokens caps too, with its native finish reason", async () => {
    const res = await rawPost(url, chat({ model: "anthropic/claude-3.5-haiku~tokens=9000", stream: false }), KEY);
    const body = JSON.parse(res.text) as SseChunk;
    assert.equal(body.usage?.completion_tokens, 8192);
    assert.equal(body.choices[0]?.finish_reason, "length");
    assert.equal(body.choices[0]?.native_finish_reason, "max_tokens");
    assert.equal(body.model, "anthropic/claude-3.5-haiku", "the model field carries no fault suffix");
  });

  it("legacy text completions stream without a role chunk", async () => {
    const res = await rawPost(`${sandbox.baseUrl}/completions`, { model: "openai/gpt-4o-mini", prompt: "hello world", stream: true, max_tokens: 2 }, KEY);
    assert.ok(res.text.startsWith(": OPENROUTER PROCESSING\n\n"));
    const events = sseChunks(res.text);
    assert.equal(events.length, 4);
    assert.deepEqual(events.slice(0, 2).map((e) => e.choices[0]?.text), [tokenPiece(0, 3), tokenPiece(1, 3)]);
    assert.equal(events[0]?.object, "text_completion");
    assert.equal(events[2]?.choices[0]?.finish_reason, "length");
    assert.equal(events[3]?.usage?.completion_tokens, 2);
    assert.ok(res.text.endsWith("data: [DONE]\n\n"));
  });

  it("refuses prompts beyond the context length", async () => {
    const big = "x".repeat(4 * 8_192 + 4);
    const res = await rawPost(`${sandbox.baseUrl}/embeddings`, { model: "openai/text-embedding-3-small", input: big }, KEY);
    assert.equal(res.status, 400);
    assert.match((JSON.parse(res.text) as SseChunk).error?.message ?? "", /maximum context length is 8192/);
  });
});
