// The sandbox's Anthropic, held to the Messages API (https://docs.claude.com/en/api/messages): the
// official client works against it unchanged; `anthropic-version` and `max_tokens` are required and
// unknown fields refused in Anthropic's words; the stream's events come in Anthropic's order with
// the prompt's usage in message_start and the completion's in message_delta; errors have Anthropic's
// shape and statuses (a spent balance is a 400, an unknown model a 404, overloaded a 529); and the
// audit log bills each call its parts — uncached input, cache writes of each lifetime, cache reads,
// output — each at its list price.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { priceNanos, startSandbox, type Sandbox } from "../src/index.ts";
import { findAnthropicModel } from "../src/upstreams/anthropic/models.ts";
import { rawPost } from "./support/http.ts";

const KEY = "sk-ant-sandbox-0123456789";
const V = { "anthropic-version": "2023-06-01", "x-api-key": KEY };
const SYSTEM = "a system prompt long enough to cache. ".repeat(10);

describe("the sandbox's Anthropic", () => {
  let sandbox: Sandbox;
  let messages = "";
  before(async () => {
    sandbox = await startSandbox({ keys: [KEY, { key: "sk-ant-spent-0123456789", creditsUsd: "0" }] });
    messages = `${sandbox.upstreamUrls.anthropic}/v1/messages`;
  });
  after(() => sandbox.close());

  const post = (body: unknown, headers: Record<string, string> = V) => rawPost(messages, body, "unused", { headers: { authorization: "", ...headers } });
  const errorOf = (text: string) => JSON.parse(text) as { type: string; error: { type: string; message: string }; request_id: string };

  it("streams Anthropic's events in order: message_start's prompt usage, message_delta's completion", async () => {
    const res = await post({ model: "claude-haiku-4-5", max_tokens: 50, stream: true, messages: [{ role: "user", content: "hello world" }] }, { ...V, "x-sandbox-completion-tokens": "3" });
    assert.equal(res.status, 200);
    assert.match(String(res.headers["request-id"]), /^req_/);
    const types = [...res.text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(types, ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    type Event = { message?: { usage: Record<string, number> }; delta?: { stop_reason?: string }; usage?: Record<string, number> };
    const data = [...res.text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1] ?? "{}") as Event);
    assert.deepEqual([data[0]?.message?.usage.input_tokens, data[0]?.message?.usage.output_tokens], [7, 1]);
    assert.deepEqual([data[7]?.delta?.stop_reason, data[7]?.usage?.output_tokens], ["end_turn", 3]);
  });

  it("refuses in Anthropic's words and statuses", async () => {
    const ok = { model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "x" }] };
    const noVersion = await post(ok, { "x-api-key": KEY });
    assert.deepEqual([noVersion.status, errorOf(noVersion.text).error.message], [400, "anthropic-version: header is required"]);
    const noMax = await post({ ...ok, max_tokens: undefined });
    assert.deepEqual([noMax.status, errorOf(noMax.text).error.message], [400, "max_tokens: Field required"]);
    const extra = await post({ ...ok, n: 2 });
    assert.deepEqual([extra.status, errorOf(extra.text).error.message], [400, "n: Extra inputs are not permitted"]);
    const unknown = await post({ ...ok, model: "claude-9" });
    assert.deepEqual([unknown.status, errorOf(unknown.text).error.type, errorOf(unknown.text).error.message], [404, "not_found_error", "model: claude-9"]);
    const wrongKey = await post(ok, { ...V, "x-api-key": "sk-ant-nope" });
    assert.deepEqual([wrongKey.status, errorOf(wrongKey.text).error.type], [401, "authentication_error"]);
    const spent = await post(ok, { ...V, "x-api-key": "sk-ant-spent-0123456789" });
    assert.deepEqual([spent.status, errorOf(spent.text).error.type], [400, "invalid_request_error"]);
    assert.match(errorOf(spent.text).error.message, /credit balance is too low/);
    const overloaded = await post(ok, { ...V, "x-sandbox-fault": "529" });
    assert.deepEqual([overloaded.status, errorOf(overloaded.text).error.type], [529, "overloaded_error"]);
    const forced = await post({ ...ok, model: "claude-sonnet-5-5", tools: [{ name: "f", input_schema: { type: "object" } }], tool_choice: { type: "any" } });
    assert.equal(forced.status, 400, "Sonnet 5.5 refuses forced tool use");
  });

  it("works with the official client, and bills each part of the prompt at its price", async () => {
    sandbox.reset();
    const claude = new Anthropic({ apiKey: KEY, baseURL: sandbox.upstreamUrls.anthropic, maxRetries: 0 });
    sandbox.setKeyFault(KEY, "cached=10, cache-write=8, cache-write-long=4, times=1");
    const message = await claude.messages.create({ model: "claude-opus-4-5", max_tokens: 12, system: SYSTEM, messages: [{ role: "user", content: "price me" }] });
    assert.deepEqual(
      [message.usage.cache_read_input_tokens, message.usage.cache_creation_input_tokens, message.usage.cache_creation?.ephemeral_5m_input_tokens, message.usage.cache_creation?.ephemeral_1h_input_tokens],
      [10, 12, 8, 4],
    );
    const [call] = sandbox.calls({ served: true });
    const opus = findAnthropicModel("claude-opus-4-5-20251101");
    assert.ok(opus && call);
    const prompt = message.usage.input_tokens + 10 + 12;
    assert.equal(call.promptTokens, prompt);
    assert.equal(call.costNanos, priceNanos(opus.pricing, { promptTokens: prompt, cachedTokens: 10, cacheWriteTokens: 8, cacheWriteLongTokens: 4, completionTokens: message.usage.output_tokens }));
    const counted = await claude.messages.countTokens({ model: "claude-opus-4-5", system: SYSTEM, messages: [{ role: "user", content: "price me" }] });
    assert.equal(counted.input_tokens, prompt, "the count is the prompt a message is billed");
    assert.equal(sandbox.calls().length, 1, "counting is not a generation");
  });
});
