// `n` choices: the prompt billed once, every choice's completion billed, usage.completion_tokens
// their sum; each choice (streamed or not) carries its index; the content of choice c is the
// completion of the same prompt shifted by c words.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { choiceText, completionText, startSandbox, tokenPiece, type Sandbox } from "../src/index.ts";
import { eventually, rawPost, sseChunks, type SseChunk } from "./support/http.ts";

const KEY = "sk-or-v1-choices";
const chat = (extra: Record<string, unknown> = {}) => ({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello world" }], ...extra });

describe("n choices", () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ keys: [KEY] });
  });
  beforeEach(() => sandbox.reset());
  after(() => sandbox.close());

  it("chat: n = 3 answers three indexed choices; the prompt is billed once, the 3 completions each", async () => {
    const res = await rawPost(`${sandbox.baseUrl}/chat/completions`, chat({ n: 3 }), KEY, { headers: { "x-sandbox-completion-tokens": "4" } });
    assert.equal(res.status, 200, res.text);
    const body = JSON.parse(res.text) as SseChunk;
    assert.deepEqual(
      body.choices.map((c) => [c.index, c.message?.content, c.finish_reason]),
      [
        [0, "foxtrot golf hotel india", "stop"],
        [1, "golf hotel india juliett", "stop"],
        [2, "hotel india juliett kilo", "stop"],
      ],
    );
    // 7 prompt tokens once, 3 × 4 completion tokens: 7 × 0.15 + 12 × 0.60 µ$ = 8.25 µ$.
    assert.deepEqual([body.usage?.prompt_tokens, body.usage?.completion_tokens, body.usage?.total_tokens, body.usage?.cost], [7, 12, 19, 0.00000825]);
    const call = sandbox.calls()[0];
    assert.deepEqual([call?.promptTokens, call?.completionTokens, call?.costNanos], [7, 12, 8250n]);
    const generation = (await (await fetch(`${sandbox.baseUrl}/generation?id=${body.id}`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as {
      data: { tokens_completion: number; total_cost: number };
    };
    assert.deepEqual([generation.data.tokens_completion, generation.data.total_cost], [12, 0.00000825]);
  });

  it("chat, streamed: a role chunk per choice, token i of every choice in turn, a finish per choice, one usage", async () => {
    const res = await rawPost(`${sandbox.baseUrl}/chat/completions`, chat({ n: 2, stream: true }), KEY, { headers: { "x-sandbox-completion-tokens": "3" } });
    assert.equal(res.status, 200);
    const chunks = sseChunks(res.text);
    const seen = chunks.map((chunk) => {
      const choice = chunk.choices[0];
      return choice ? [choice.index, choice.delta?.content ?? null, choice.finish_reason] : ["usage", chunk.usage?.completion_tokens, null];
    });
    assert.deepEqual(seen, [
      [0, "", null],
      [1, "", null],
      [0, tokenPiece(0, 7), null],
      [1, tokenPiece(0, 8), null],
      [0, tokenPiece(1, 7), null],
      [1, tokenPiece(1, 8), null],
      [0, tokenPiece(2, 7), null],
      [1, tokenPiece(2, 8), null],
      [0, "", "stop"],
      [1, "", "stop"],
      ["usage", 6, null],
    ]);
    assert.equal(sandbox.calls()[0]?.completionTokens, 6);
  });

  it("max_tokens caps every choice; finish_reason is length on each", async () => {
    const res = await rawPost(`${sandbox.baseUrl}/chat/completions`, chat({ n: 2, max_tokens: 5 }), KEY);
    const body = JSON.parse(res.text) as SseChunk;
    assert.deepEqual(
      body.choices.map((c) => [c.message?.content, c.finish_reason]),
      [
        [completionText(5, 7), "length"],
        [choiceText(5, 7, 1), "length"],
      ],
    );
    assert.equal(body.usage?.completion_tokens, 10);
  });

  it("legacy completions: n choices of text, streamed with their index", async () => {
    const plain = await rawPost(`${sandbox.baseUrl}/completions`, { model: "openai/gpt-4o-mini", prompt: "hello world", n: 2 }, KEY, { headers: { "x-sandbox-completion-tokens": "2" } });
    const body = JSON.parse(plain.text) as SseChunk;
    // "hello world" as a legacy prompt is 3 tokens.
    assert.deepEqual(
      body.choices.map((c) => [c.index, c.text]),
      [
        [0, completionText(2, 3)],
        [1, choiceText(2, 3, 1)],
      ],
    );
    assert.deepEqual([body.usage?.prompt_tokens, body.usage?.completion_tokens], [3, 4]);
    const streamed = await rawPost(`${sandbox.baseUrl}/completions`, { model: "openai/gpt-4o-mini", prompt: "hello world", n: 2, stream: true }, KEY, { headers: { "x-sandbox-completion-tokens": "1" } });
    const indexes = sseChunks(streamed.text).flatMap((chunk) => chunk.choices.map((c) => [c.index, c.text, c.finish_reason]));
    assert.deepEqual(indexes, [
      [0, tokenPiece(0, 3), null],
      [1, tokenPiece(0, 4), null],
      [0, "", "stop"],
      [1, "", "stop"],
    ]);
  });

  it("a client that leaves a stream of n choices is billed every choice's planned completion", async () => {
    const res = await rawPost(`${sandbox.baseUrl}/chat/completions`, chat({ n: 3, stream: true }), KEY, {
      headers: { "x-sandbox-fault": "chunk-delay=20", "x-sandbox-completion-tokens": "30" },
      abortWhen: (text) => text.includes('"content":"foxtrot"'),
    });
    assert.equal(res.ending, "aborted");
    const call = await eventually(() => sandbox.calls()[0]);
    assert.deepEqual([call?.cancelled, call?.promptTokens, call?.completionTokens], [true, 7, 90]);
  });

  it("the openai client reads n choices", async () => {
    const openai = new OpenAI({ apiKey: KEY, baseURL: sandbox.baseUrl, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello world" }], n: 2, max_tokens: 3 });
    assert.deepEqual(
      completion.choices.map((c) => [c.index, c.message.content]),
      [
        [0, completionText(3, 7)],
        [1, choiceText(3, 7, 1)],
      ],
    );
    assert.equal(completion.usage?.completion_tokens, 6);
  });
});
