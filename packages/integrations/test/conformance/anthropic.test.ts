// The Anthropic adapter on Anthropic's answer shapes, kept as transcripts in
// test/fixtures/transcripts/anthropic (written from the Messages API reference; ids and figures as
// its examples give them): a message whose prompt usage is split into uncached input, cache writes
// of both lifetimes and cache reads; its stream (message_start's prompt usage, message_delta's
// cumulative usage, in the current form and in the older output-only one), a streamed tool use,
// and a stream an error event cut. Meters read the same whole and in small slices; requests are
// bounded, refused and rewritten as the Messages API documents them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { adapterFor, RequestRefused, type CallRequest, type Meter, type MeteredUsage } from "../../adapters/index.ts";
import { getIntegration } from "../../src/index.ts";

const anthropic = getIntegration("anthropic");
const adapter = adapterFor(anthropic);
const fixture = (name: string) => readFileSync(new URL(`../fixtures/transcripts/anthropic/${name}`, import.meta.url));
const VERSION = { "anthropic-version": "2023-06-01" };

function feed(meter: Meter, bytes: Buffer, slice: number): MeteredUsage {
  for (let i = 0; i < bytes.length; i += slice) meter.push(bytes.subarray(i, i + slice));
  return meter.finish();
}

function read(fields: Record<string, unknown>, headers: Record<string, string> = VERSION, path = "/v1/messages"): CallRequest {
  const body = Buffer.from(JSON.stringify(fields));
  return adapter.readRequest({ method: "POST", path, query: "", headers, body, fields }, anthropic);
}

const message = (extra: Record<string, unknown> = {}) => read({ model: "claude-haiku-4-5", max_tokens: 256, messages: [{ role: "user", content: "Hello" }], ...extra });

function metered(name: string, stream: boolean): MeteredUsage {
  const bytes = fixture(name);
  const whole = feed(adapter.meter(message(), stream), bytes, bytes.length);
  for (const slice of [1, 6, 50]) assert.deepEqual(feed(adapter.meter(message(), stream), bytes, slice), whole, `${name} in ${slice}-byte slices`);
  return whole;
}

/** The prompt of the fixtures: 472 uncached + 2,048 written (1,024 for an hour) + 1,800 read. */
const cachedPrompt = { promptTokens: 4320, cachedTokens: 1800, cacheWriteTokens: 2048, cacheWriteLongTokens: 1024 };

describe("Anthropic meters", () => {
  it("a message: every part of the prompt, the completion, no cost (the catalog prices it)", () => {
    assert.deepEqual(metered("message.json", false), {
      ...cachedPrompt,
      completionTokens: 15,
      reasoningTokens: 0,
      units: null,
      cost: null,
      generationId: "msg_01XFDUDYJgAACzvnptvVoYEL",
      estimated: false,
      refused: false,
      finishReason: "end_turn",
    });
  });

  it("its stream: message_start's prompt usage, message_delta's completion; the same in the older output-only form", () => {
    const usage = metered("stream.sse", true);
    assert.deepEqual(usage, metered("message.json", false), "streamed or not, the same usage");
    assert.deepEqual(metered("stream-output-only.sse", true), usage);
  });

  it("a streamed tool use: its input's deltas are content, its usage message_delta's", () => {
    const usage = metered("stream-tool.sse", true);
    assert.deepEqual([usage.promptTokens, usage.completionTokens, usage.finishReason, usage.estimated, usage.generationId], [472, 89, "tool_use", false, "msg_014p7gG3wDgGV9EUtLvnow3U"]);
  });

  it("a stream an error cut: the prompt as message_start said, the completion estimated from its deltas", () => {
    const usage = metered("stream-error.sse", true);
    assert.deepEqual({ ...usage, finishReason: null }, { ...cachedPrompt, completionTokens: 2, reasoningTokens: 0, units: null, cost: null, generationId: "msg_01XFDUDYJgAACzvnptvVoYEL", estimated: true, refused: false, finishReason: null });
  });
});

describe("Anthropic requests: the hold's bound, and what is refused", () => {
  it("bounds the completion by max_tokens and the prompt by the body, counting images (inline bytes apart); documents by the context window", () => {
    const plain = message();
    assert.deepEqual([plain.endpoint, plain.models, plain.bound.maxTokens, plain.bound.n], ["messages", ["claude-haiku-4-5"], 256, 1]);
    const image = (source: Record<string, unknown>) => message({ messages: [{ role: "user", content: [{ type: "image", source }, { type: "text", text: "what is it?" }] }] });
    const inline = image({ type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" });
    assert.deepEqual([inline.bound.bodyBytes, inline.bound.images, inline.bound.imageBytes], [Buffer.byteLength(JSON.stringify(inline.fields)), 1, "iVBORw0KGgo=".length]);
    const linked = image({ type: "url", url: "https://example.com/cat.png" });
    assert.deepEqual([linked.bound.bodyBytes, linked.bound.images, linked.bound.imageBytes], [Buffer.byteLength(JSON.stringify(linked.fields)), 1, 0]);
    const inToolResult = message({ messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "image", source: { type: "url", url: "https://example.com/chart.png" } }] }] }] });
    assert.equal(inToolResult.bound.images, 1, "an image in a tool result counts too");
    assert.equal(message({ messages: [{ role: "user", content: [{ type: "document", source: { type: "file", file_id: "file_1" } }] }] }).bound.bodyBytes, Number.MAX_SAFE_INTEGER);
  });

  it("refuses what Anthropic would refuse, and what a hold cannot bound, naming it", () => {
    const refused = (f: () => unknown, message: RegExp) => assert.throws(f, (e) => e instanceof RequestRefused && e.code === "BAD_REQUEST" && message.test(e.message));
    refused(() => message({ max_tokens: undefined }), /^max_tokens: Field required$/);
    refused(() => read({ model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "x" }] }, {}), /^anthropic-version: header is required$/);
    refused(() => message({ tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }] }), /server tool 'web_search_20250305'/);
    refused(() => message({ tools: [{ type: "code_execution_20250825", name: "code_execution" }] }), /code_execution/);
    refused(() => message({ mcp_servers: [{ type: "url", url: "https://mcp.example.com" }] }), /mcp_servers/);
    refused(() => message({ container: "container_1" }), /container/);
    refused(() => read({ model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "x" }] }, { ...VERSION, "anthropic-beta": "prompt-caching-2024-07-31,context-1m-2025-08-07" }), /'context-1m-2025-08-07'/);
    refused(() => message({ messages: [] }), /messages/);
    assert.doesNotThrow(() => message({ tools: [{ name: "get_weather", input_schema: { type: "object" } }, { type: "text_editor_20250728", name: "str_replace_based_edit_tool" }] }), "client tools pass");
    assert.doesNotThrow(() => read({ model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "x" }] }, { ...VERSION, "anthropic-beta": "extended-cache-ttl-2025-04-11" }));
    assert.throws(() => read({ model: "claude-haiku-4-5", max_tokens: 5, messages: [] }, VERSION, "/v1/messages/count_tokens"), (e) => e instanceof RequestRefused && e.code === "NOT_FOUND");
  });

  it("lowers max_tokens for fit_to_balance, and a thinking budget under it", () => {
    const fitted = JSON.parse(String(adapter.rewrite?.(message({ max_tokens: 8000, thinking: { type: "enabled", budget_tokens: 4000 } }), 2000))) as { max_tokens: number; thinking: { budget_tokens: number } };
    assert.deepEqual([fitted.max_tokens, fitted.thinking.budget_tokens], [2000, 1999]);
    assert.equal(adapter.rewrite?.(message(), null), null, "nothing to change: the client's bytes go as they are");
  });
});

describe("Anthropic's error shape", () => {
  it("renders Vendo's errors as Anthropic's, with the request id", () => {
    const body = (status: number) => adapter.errorBody({ status, code: "X", message: "m", limit: null }, "req_42") as { type: string; error: { type: string; message: string }; request_id: string };
    assert.deepEqual(body(400), { type: "error", error: { type: "invalid_request_error", message: "m" }, request_id: "req_42" });
    assert.deepEqual([401, 402, 403, 404, 413, 429, 502].map((s) => body(s).error.type), [
      "authentication_error",
      "invalid_request_error",
      "permission_error",
      "not_found_error",
      "request_too_large",
      "rate_limit_error",
      "api_error",
    ]);
  });
});
