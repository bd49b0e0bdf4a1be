// The OpenAI adapter on OpenAI's answer shapes, kept as transcripts in
// test/fixtures/transcripts/openai (written from OpenAI's API reference; ids and figures as its
// examples give them): chat completions streamed with the usage report the proxy forces on (a
// null usage and an obfuscation field on every chunk, the report in a last chunk with no
// choices), the Responses API's object and its typed event stream (cut short too), embeddings.
// Meters read the same whole and in small slices; the answer filter gives the client, byte for
// byte, the stream it would have had without the report; requests are read, bounded, refused and
// rewritten as OpenAI's API documents them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { adapterFor, RequestRefused, type CallRequest, type Meter, type MeteredUsage } from "../../adapters/index.ts";
import { getIntegration } from "../../src/index.ts";

const openai = getIntegration("openai");
const adapter = adapterFor(openai);
const fixture = (name: string) => readFileSync(new URL(`../fixtures/transcripts/openai/${name}`, import.meta.url));

function feed(meter: Meter, bytes: Buffer, slice: number): MeteredUsage {
  for (let i = 0; i < bytes.length; i += slice) meter.push(bytes.subarray(i, i + slice));
  return meter.finish();
}

/** Reads a JSON body as the proxy hands it to the adapter. */
function read(path: string, fields: Record<string, unknown>): CallRequest {
  const body = Buffer.from(JSON.stringify(fields));
  return adapter.readRequest({ method: "POST", path, query: "", headers: {}, body, fields }, openai);
}

function metered(request: CallRequest, name: string, stream: boolean): MeteredUsage {
  const bytes = fixture(name);
  const whole = feed(adapter.meter(request, stream), bytes, bytes.length);
  for (const slice of [1, 5, 64]) assert.deepEqual(feed(adapter.meter(request, stream), bytes, slice), whole, `${name} in ${slice}-byte slices`);
  return whole;
}

const chat = (extra: Record<string, unknown> = {}) => read("/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "Hello" }], ...extra });
const responses = (extra: Record<string, unknown> = {}) => read("/v1/responses", { model: "gpt-4.1-mini", input: "Hello", ...extra });

describe("OpenAI meters", () => {
  it("a streamed chat completion with its usage report: the last chunk's usage, no cost (the catalog prices it)", () => {
    assert.deepEqual(metered(chat({ stream: true }), "chat-stream-forced-usage.sse", true), {
      promptTokens: 19,
      completionTokens: 3,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      cacheWriteLongTokens: 0,
      reasoningTokens: 0,
      units: null,
      cost: null,
      generationId: "chatcmpl-CkR2",
      estimated: false,
      refused: false,
      finishReason: "stop",
    });
  });

  it("a response object: input and output tokens with their cached and reasoning details", () => {
    const usage = metered(responses(), "responses.json", false);
    assert.deepEqual(
      [usage.promptTokens, usage.cachedTokens, usage.completionTokens, usage.reasoningTokens, usage.cost, usage.generationId, usage.estimated],
      [36, 20, 87, 64, null, "resp_68f1c0a2b3c4d5e6", false],
    );
  });

  it("a streamed response: the usage of response.completed, the id of response.created", () => {
    const usage = metered(responses({ stream: true }), "responses-stream.sse", true);
    assert.deepEqual([usage.promptTokens, usage.cachedTokens, usage.completionTokens, usage.reasoningTokens, usage.generationId, usage.estimated, usage.finishReason], [36, 20, 87, 64, "resp_68f1c0a2b3c4d5e6", false, "completed"]);
  });

  it("a streamed response cut short: no usage came, so its deltas are counted and it is marked estimated", () => {
    const usage = metered(responses({ stream: true }), "responses-stream-cut.sse", true);
    assert.deepEqual([usage.completionTokens, usage.estimated, usage.generationId], [2, true, "resp_68f1c0a2b3c4d5e6"]);
  });

  it("embeddings: prompt tokens only", () => {
    const usage = metered(read("/v1/embeddings", { model: "text-embedding-3-small", input: "hi" }), "embeddings.json", false);
    assert.deepEqual([usage.promptTokens, usage.completionTokens, usage.estimated], [8, 0, false]);
  });
});

describe("OpenAI's usage report, forced on and taken back out", () => {
  it("asks a streamed chat completion for its usage, keeping the client's other stream options", () => {
    const sent = JSON.parse(String(adapter.rewrite?.(chat({ stream: true, stream_options: { include_obfuscation: false } }), null))) as Record<string, unknown>;
    assert.deepEqual(sent.stream_options, { include_obfuscation: false, include_usage: true });
    assert.equal(adapter.rewrite?.(chat({ stream: true, stream_options: { include_usage: true } }), null), null, "asked already: the client's bytes go as they are");
    assert.equal(adapter.rewrite?.(chat(), null), null, "not streamed: the answer always has its usage");
    assert.equal(adapter.rewrite?.(responses({ stream: true }), null), null, "a streamed response always ends with its usage");
  });

  it("gives a client that did not ask exactly the stream it would have had, whatever the slicing", () => {
    const upstream = fixture("chat-stream-forced-usage.sse");
    const expected = fixture("chat-stream-forced-usage.client.sse").toString("utf8");
    for (const slice of [upstream.length, 1, 7, 100]) {
      const filter = adapter.answerFilter?.(chat({ stream: true }), true);
      assert.ok(filter);
      const out: Buffer[] = [];
      for (let i = 0; i < upstream.length; i += slice) out.push(filter.push(upstream.subarray(i, i + slice)));
      out.push(filter.end());
      assert.equal(Buffer.concat(out).toString("utf8"), expected, `in ${slice}-byte slices`);
    }
  });

  it("leaves the stream alone when the client asked, and non-streamed answers always", () => {
    assert.equal(adapter.answerFilter?.(chat({ stream: true, stream_options: { include_usage: true } }), true), null);
    assert.equal(adapter.answerFilter?.(chat(), false), null);
    assert.equal(adapter.answerFilter?.(responses({ stream: true }), true), null);
  });
});

describe("OpenAI requests: the hold's bound, and what is refused", () => {
  it("bounds a chat completion by its bytes, max_completion_tokens and n; counts images (inline bytes apart); files by the context window", () => {
    const plain = chat({ max_completion_tokens: 50, n: 2 });
    assert.deepEqual([plain.endpoint, plain.models, plain.bound.maxTokens, plain.bound.n, plain.bound.embedding], ["chat", ["gpt-4o"], 50, 2, false]);
    assert.ok(plain.bound.bodyBytes < 200);
    const dataUrl = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==";
    const image = chat({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }, { type: "image_url", image_url: { url: dataUrl } }] }] });
    assert.deepEqual([image.bound.images, image.bound.imageBytes], [2, dataUrl.length]);
    assert.equal(image.bound.bodyBytes, Buffer.byteLength(JSON.stringify(image.fields)));
    const file = chat({ messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file_1" } }] }] });
    assert.equal(file.bound.bodyBytes, Number.MAX_SAFE_INTEGER);
    const inputImage = responses({ input: [{ role: "user", content: [{ type: "input_image", image_url: dataUrl }, { type: "input_text", text: "what is it?" }] }] });
    assert.deepEqual([inputImage.bound.images, inputImage.bound.imageBytes], [1, dataUrl.length]);
    assert.throws(() => chat({ n: 129 }), (e) => e instanceof RequestRefused && /'n' must be at most 128/.test(e.message));
  });

  it("bounds a response by max_output_tokens, and a follow-up on stored context by the context window", () => {
    assert.equal(responses({ max_output_tokens: 64 }).bound.maxTokens, 64);
    assert.ok(responses().bound.bodyBytes < 100);
    for (const stored of [{ previous_response_id: "resp_1" }, { conversation: "conv_1" }, { prompt: { id: "pmpt_1" } }]) {
      assert.equal(responses(stored).bound.bodyBytes, Number.MAX_SAFE_INTEGER, JSON.stringify(stored));
    }
  });

  it("refuses what a hold cannot bound, naming it", () => {
    const refused = (f: () => unknown, message: RegExp) => assert.throws(f, (e) => e instanceof RequestRefused && e.code === "BAD_REQUEST" && message.test(e.message));
    refused(() => responses({ tools: [{ type: "web_search" }] }), /built-in tool 'web_search'/);
    refused(() => responses({ tools: [{ type: "function", name: "f" }, { type: "code_interpreter" }] }), /tools\[1\]/);
    refused(() => responses({ background: true }), /Background responses/);
    refused(() => chat({ web_search_options: {} }), /web_search_options/);
    refused(() => chat({ modalities: ["text", "audio"] }), /Audio output/);
    refused(() => chat({ prediction: { type: "content", content: "x" } }), /prediction/);
    refused(() => chat({ models: ["gpt-4o-mini"] }), /'models' is not a parameter of this API/);
    refused(() => chat({ model: undefined }), /'model' is required/);
    refused(() => read("/v1/responses", { input: "x" }), /'model' is required/);
    assert.doesNotThrow(() => responses({ tools: [{ type: "function", name: "f", parameters: {} }] }));
  });

  it("lowers the completion bound where each API keeps it (fit_to_balance)", () => {
    assert.equal((JSON.parse(String(adapter.rewrite?.(responses({ max_output_tokens: 500 }), 40))) as Record<string, unknown>).max_output_tokens, 40);
    const fitted = JSON.parse(String(adapter.rewrite?.(chat({ stream: true, max_completion_tokens: 500 }), 40))) as Record<string, unknown>;
    assert.deepEqual([fitted.max_completion_tokens, (fitted.stream_options as { include_usage: boolean }).include_usage], [40, true]);
  });
});

describe("OpenAI's error shape", () => {
  it("renders Vendo's errors as OpenAI's, with the type its clients map", () => {
    const body = (status: number) => adapter.errorBody({ status, code: "X", message: "m", limit: null }, "req_1") as { error: Record<string, unknown> };
    assert.deepEqual(body(400), { error: { message: "m", type: "invalid_request_error", param: null, code: null } });
    assert.equal(body(401).error.code, "invalid_api_key");
    assert.equal(body(402).error.type, "insufficient_quota");
    assert.equal(body(429).error.code, "rate_limit_exceeded");
    assert.equal(body(503).error.type, "server_error");
  });
});
