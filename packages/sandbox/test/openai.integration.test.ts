// The sandbox's OpenAI, held to OpenAI's documented API (https://platform.openai.com/docs/api-reference):
// the official client works against it unchanged; streamed chat reports usage only when asked
// (then a null usage on every chunk and a last chunk with no choices), with an obfuscation field
// unless turned off; Responses events come in order with increasing sequence numbers; errors have
// OpenAI's shape and statuses (a spent quota is a 429, an unknown model a 404, an unknown
// parameter a 400); and the audit log bills each call exactly its tokens at OpenAI's prices.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { priceNanos, startSandbox, type Sandbox } from "../src/index.ts";
import { findOpenaiModel } from "../src/upstreams/openai/models.ts";
import { rawPost, sseData } from "./support/http.ts";

const KEY = "sk-proj-sandbox-openai-0123456789";

describe("the sandbox's OpenAI", () => {
  let sandbox: Sandbox;
  let base = "";
  before(async () => {
    sandbox = await startSandbox({ keys: [KEY, { key: "sk-spent-0123456789", creditsUsd: "0" }] });
    base = `${sandbox.upstreamUrls.openai}/v1`;
  });
  after(() => sandbox.close());

  const chunksOf = (text: string) => sseData(text).filter((d) => d !== "[DONE]") as unknown as Array<Record<string, unknown>>;

  it("streams chat without any usage unless asked; asked, a null usage on every chunk and the report last", async () => {
    const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello world" }], stream: true };
    const plain = await rawPost(`${base}/chat/completions`, body, KEY, { headers: { "x-sandbox-completion-tokens": "3" } });
    assert.equal(plain.status, 200);
    assert.match(String(plain.headers["x-request-id"]), /^req_/);
    assert.ok(plain.text.endsWith("data: [DONE]\n\n"));
    const chunks = chunksOf(plain.text);
    assert.equal(chunks.length, 1 + 3 + 1, "role, three tokens, finish");
    assert.ok(chunks.every((c) => !("usage" in c) && typeof c.obfuscation === "string"));

    const asked = await rawPost(`${base}/chat/completions`, { ...body, stream_options: { include_usage: true, include_obfuscation: false } }, KEY, { headers: { "x-sandbox-completion-tokens": "3" } });
    const withUsage = chunksOf(asked.text);
    assert.equal(withUsage.length, 1 + 3 + 1 + 1);
    assert.ok(withUsage.slice(0, -1).every((c) => c.usage === null && !("obfuscation" in c)));
    const last = withUsage.at(-1) as { choices: unknown[]; usage: { prompt_tokens: number; completion_tokens: number } };
    assert.deepEqual(last.choices, []);
    assert.deepEqual([last.usage.prompt_tokens, last.usage.completion_tokens], [7, 3]);
  });

  it("streams a response as typed events in order, sequence numbers increasing, usage in response.completed", async () => {
    const res = await rawPost(`${base}/responses`, { model: "gpt-4o-mini", input: "hello", stream: true }, KEY, { headers: { "x-sandbox-completion-tokens": "2" } });
    const types = [...res.text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(types, [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const events = sseData(res.text) as unknown as Array<{ sequence_number: number; type: string; response?: { usage: { output_tokens: number } } }>;
    assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
    assert.equal(events.at(-1)?.response?.usage.output_tokens, 2);
    assert.ok(!res.text.includes("[DONE]"), "no [DONE] in the Responses API");
  });

  it("answers OpenAI's errors: 401, 429 insufficient_quota, 404 model_not_found, 400 for an unknown parameter", async () => {
    const errorOf = async (body: unknown, key: string) => {
      const res = await rawPost(`${base}/chat/completions`, body, key);
      return { status: res.status, error: (JSON.parse(res.text) as { error: Record<string, unknown> }).error };
    };
    const ok = { model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] };
    const denied = await errorOf(ok, "sk-wrong-0123456789");
    assert.deepEqual([denied.status, denied.error.code, denied.error.type], [401, "invalid_api_key", "invalid_request_error"]);
    assert.match(String(denied.error.message), /Incorrect API key provided: sk-\*+6789/);
    const spent = await errorOf(ok, "sk-spent-0123456789");
    assert.deepEqual([spent.status, spent.error.code], [429, "insufficient_quota"]);
    const unknown = await errorOf({ ...ok, model: "gpt-9" }, KEY);
    assert.deepEqual([unknown.status, unknown.error.code, unknown.error.message], [404, "model_not_found", "The model `gpt-9` does not exist or you do not have access to it."]);
    const extra = await errorOf({ ...ok, models: ["x"] }, KEY);
    assert.deepEqual([extra.status, extra.error.message], [400, "Unrecognized request argument supplied: models"]);
    const bounds = await errorOf({ ...ok, temperature: 3 }, KEY);
    assert.deepEqual([bounds.status, bounds.error.param], [400, "temperature"]);
  });

  it("works with the official client, and bills each call its tokens at OpenAI's prices", async () => {
    sandbox.reset();
    const client = new OpenAI({ apiKey: KEY, baseURL: base, maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "price me" }], max_tokens: 9 });
    const response = await client.responses.create({ model: "o4-mini", input: "price me too", max_output_tokens: 16 });
    const embedding = await client.embeddings.create({ model: "text-embedding-3-large", input: "vector", dimensions: 8 });
    assert.equal(embedding.data[0]?.embedding.length, 8);
    const [c1, c2, c3] = sandbox.calls({ served: true });
    const priced = (model: string, prompt: number, completion: number) => priceNanos(findOpenaiModel(model)?.pricing ?? { prompt: "NaN", completion: "NaN" }, { promptTokens: prompt, completionTokens: completion });
    assert.equal(c1?.costNanos, priced("gpt-4.1", chat.usage?.prompt_tokens ?? -1, chat.usage?.completion_tokens ?? -1));
    assert.equal(c2?.costNanos, priced("o4-mini", response.usage?.input_tokens ?? -1, response.usage?.output_tokens ?? -1));
    assert.equal(c3?.costNanos, priced("text-embedding-3-large", embedding.usage.prompt_tokens, 0));
    assert.ok((c1?.costNanos ?? 0n) > 0n);
  });
});
