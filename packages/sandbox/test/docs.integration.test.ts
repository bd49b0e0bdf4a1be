// The behaviours docs/sandbox.md states that the other suites do not already pin: routes and
// their refusals, keys with credit and rate limits, client-disconnect billing, the precedence of
// the ways to ask for a completion length, the account routes and the /__sandbox hooks.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { completionText, priceNanos, sandboxModels, startSandbox, type Sandbox } from "../src/index.ts";
import { eventually, rawPost, type SseChunk } from "./support/http.ts";

const KEY = "sk-or-v1-docs-key";
const OTHER = "sk-or-v1-docs-other";
const mini = sandboxModels.find((m) => m.id === "openai/gpt-4o-mini");
if (!mini) throw new Error("catalog lacks gpt-4o-mini");
const cost = (prompt: number, completion: number) => priceNanos(mini.pricing, { promptTokens: prompt, completionTokens: completion });
const chat = (extra: Record<string, unknown> = {}) => ({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello world" }], ...extra });

describe("sandbox behaviours documented in docs/sandbox.md", () => {
  let sandbox: Sandbox;
  let url: string;
  const get = (path: string, key?: string) => fetch(`${sandbox.url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  const admin = (path: string, body?: unknown) =>
    fetch(`${sandbox.url}/__sandbox/${path}`, { method: "POST", headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  before(async () => {
    sandbox = await startSandbox({ keys: [KEY, OTHER] });
    url = `${sandbox.baseUrl}/chat/completions`;
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.setKeyFault(KEY, null);
  });
  after(() => sandbox.close());

  it("routes: generation routes take POST only, /models needs no key, anything else is a 404", async () => {
    const wrongMethod = await get("/api/v1/chat/completions", KEY);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "POST");
    const models = await get("/api/v1/models");
    assert.equal(models.status, 200);
    assert.equal(((await models.json()) as { data: unknown[] }).data.length, sandboxModels.length);
    assert.equal((await get("/api/v1/nope")).status, 404);
    assert.equal((await get("/__sandbox/nope")).status, 404);
    const noKey = await rawPost(url, chat(), "sk-or-v1-unknown");
    assert.equal(noKey.status, 401);
    assert.equal((JSON.parse(noKey.text) as SseChunk).error?.message, "No auth credentials found");
    const call = sandbox.calls()[0];
    assert.deepEqual([call?.key, call?.served, call?.httpStatus], [null, false, 401], "a refused call is in the log too");
  });

  it("request validation answers 400 with OpenRouter's error shape", async () => {
    for (const [body, message] of [
      ["{oops", /Invalid JSON/],
      [{ messages: [] }, /model is required/],
      [chat({ model: "no/such-model" }), /is not a valid model ID/],
      [chat({ model: "openai/text-embedding-3-small" }), /does not support/],
      [chat({ messages: [] }), /^messages: must be a non-empty array of messages$/],
      [chat({ stream: "yes" }), /^stream: Invalid input: expected boolean, received string$/],
      [chat({ max_tokens: 0 }), /^max_tokens: Too small: expected number to be >=1$/],
      [chat({ model: "openai/gpt-4o-mini~200" }), /must be 400\.\.599/],
    ] as const) {
      const res = await rawPost(url, body, KEY);
      assert.equal(res.status, 400, String(message));
      assert.match((JSON.parse(res.text) as SseChunk).error?.message ?? "", message);
    }
    const models = await rawPost(url, { models: ["openai/gpt-4o-mini", "openai/gpt-4o"], messages: [{ role: "user", content: "x" }] }, KEY);
    assert.equal((JSON.parse(models.text) as SseChunk).model, "openai/gpt-4o-mini", "without `model`, the first of `models` serves");
  });

  it("completion length: x-sandbox-completion-tokens beats x-sandbox-fault tokens=, which beats the model suffix and the key fault", async () => {
    const tokensOf = async (model: string, headers: Record<string, string>) =>
      (JSON.parse((await rawPost(url, chat({ model }), KEY, { headers })).text) as SseChunk).usage?.completion_tokens;
    sandbox.setKeyFault(KEY, "tokens=2");
    assert.equal(await tokensOf("openai/gpt-4o-mini", {}), 2);
    assert.equal(await tokensOf("openai/gpt-4o-mini~tokens=3", {}), 3);
    assert.equal(await tokensOf("openai/gpt-4o-mini~tokens=3", { "x-sandbox-fault": "tokens=4" }), 4);
    assert.equal(await tokensOf("openai/gpt-4o-mini~tokens=3", { "x-sandbox-fault": "tokens=4", "x-sandbox-completion-tokens": "5" }), 5);
    sandbox.setKeyFault(KEY, null);
    assert.equal(await tokensOf("openai/gpt-4o-mini", {}), 37, "default: 16 + (7 × 31) mod 49");
    const bad = await rawPost(url, chat(), KEY, { headers: { "x-sandbox-completion-tokens": "many" } });
    assert.equal(bad.status, 400);
  });

  it("a client that leaves a stream is billed the whole planned generation, marked cancelled", async () => {
    const res = await rawPost(url, chat({ stream: true }), KEY, {
      headers: { "x-sandbox-fault": "chunk-delay=20", "x-sandbox-completion-tokens": "30" },
      abortWhen: (text) => text.includes('"content":"foxtrot"'),
    });
    assert.equal(res.ending, "aborted");
    const call = await eventually(() => sandbox.calls()[0]);
    assert.deepEqual(
      { served: call.served, status: call.status, cancelled: call.cancelled, completion: call.completionTokens, cost: call.costNanos, finish: call.finishReason },
      { served: true, status: "ok", cancelled: true, completion: 30, cost: cost(7, 30), finish: "stop" },
    );
    assert.equal(sandbox.totals().byKey[KEY]?.costNanos, cost(7, 30));
    const generation = (await (await get(`/api/v1/generation?id=${call.id}`, KEY)).json()) as { data: { cancelled: boolean; tokens_completion: number } };
    assert.deepEqual([generation.data.cancelled, generation.data.tokens_completion], [true, 30]);
  });

  it("a client that leaves during latency: billed in full, or not at all when a status fault was due", async () => {
    const controller = new AbortController();
    const pending = fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", "x-sandbox-fault": "latency=1000,tokens=8" },
      body: JSON.stringify(chat()),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pending, /abort/i);
    const billed = await eventually(() => sandbox.calls()[0]);
    assert.deepEqual([billed.served, billed.cancelled, billed.completionTokens, billed.costNanos], [true, true, 8, cost(7, 8)]);

    const second = new AbortController();
    const refused = fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", "x-sandbox-fault": "latency=1000,503" },
      body: JSON.stringify(chat()),
      signal: second.signal,
    });
    setTimeout(() => second.abort(), 100);
    await assert.rejects(refused, /abort/i);
    const rejected = await eventually(() => sandbox.calls()[1]);
    assert.deepEqual([rejected.served, rejected.cancelled, rejected.httpStatus, rejected.costNanos], [false, true, 503, 0n]);
  });

  it("keys: credit limit (402), key limit (402, the crossing call served), rpm (429 with Retry-After)", async () => {
    sandbox.addKey({ key: "limited", limitUsd: "0.00003" });
    assert.equal((await rawPost(url, chat(), "limited")).status, 200); // 23 250 nano-USD, under the limit
    assert.equal((await rawPost(url, chat(), "limited")).status, 200, "still under the limit when it starts: served, crossing it");
    const over = await rawPost(url, chat(), "limited");
    assert.equal(over.status, 402);
    assert.equal((JSON.parse(over.text) as SseChunk).error?.message, "Key limit exceeded");
    const keyDoc = (await (await get("/api/v1/key", "limited")).json()) as { data: Record<string, unknown> };
    assert.deepEqual(
      [keyDoc.data.label, keyDoc.data.limit, keyDoc.data.usage, keyDoc.data.limit_remaining],
      ["limited...ted", 0.00003, 0.0000465, -0.0000165],
    );

    sandbox.addKey({ key: "broke", creditsUsd: "0.00001" });
    assert.equal((await rawPost(url, chat(), "broke")).status, 200);
    const broke = await rawPost(url, chat(), "broke");
    assert.equal(broke.status, 402);
    assert.match((JSON.parse(broke.text) as SseChunk).error?.message ?? "", /Insufficient credits/);
    const credits = (await (await get("/api/v1/credits", "broke")).json()) as { data: { total_credits: number; total_usage: number } };
    assert.deepEqual(credits.data, { total_credits: 0.00001, total_usage: 0.00002325 });

    sandbox.addKey({ key: "slow", rpm: 2 });
    assert.equal((await rawPost(url, chat({ messages: [] }), "slow")).status, 400, "a refused request still takes a slot");
    assert.equal((await rawPost(url, chat(), "slow")).status, 200);
    const limited = await rawPost(url, chat(), "slow");
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers["retry-after"]) >= 59);
    const slowKey = (await (await get("/api/v1/key", "slow")).json()) as { data: { rate_limit: { requests: number } } };
    assert.equal(slowKey.data.rate_limit.requests, 2);
  });

  it("generation: only the key that made it sees it; refusals are not generations", async () => {
    const ok = JSON.parse((await rawPost(url, chat(), KEY)).text) as SseChunk;
    const mine = await get(`/api/v1/generation?id=${ok.id}`, KEY);
    assert.equal(mine.status, 200);
    const doc = (await mine.json()) as { data: Record<string, unknown> };
    assert.deepEqual([doc.data.total_cost, doc.data.tokens_prompt, doc.data.tokens_completion, doc.data.provider_name], [0.00002325, 7, 37, "OpenAI"]);
    assert.equal((await get(`/api/v1/generation?id=${ok.id}`, OTHER)).status, 404);
    assert.equal((await get("/api/v1/generation", KEY)).status, 400);
    assert.equal((await get(`/api/v1/generation?id=${ok.id}`)).status, 401);
    const refused = await rawPost(url, chat(), KEY, { headers: { "x-sandbox-fault": "503" } });
    assert.equal((await get(`/api/v1/generation?id=${String(refused.headers["x-generation-id"])}`, KEY)).status, 404);
  });

  it("GET /__sandbox/calls: calls (filtered) and overall totals, bigints as strings; the POST hooks", async () => {
    await rawPost(url, chat(), KEY);
    await rawPost(url, chat(), OTHER, { headers: { "x-sandbox-fault": "503" } });
    const all = (await (await get("/__sandbox/calls")).json()) as { calls: Array<Record<string, unknown>>; totals: { overall: Record<string, unknown>; byKey: Record<string, Record<string, unknown>> } };
    assert.equal(all.calls.length, 2);
    assert.equal(all.calls[0]?.costNanos, String(cost(7, 37)));
    assert.deepEqual(all.totals.overall, { served: 1, rejected: 1, promptTokens: 7, completionTokens: 37, costNanos: String(cost(7, 37)) });
    assert.equal(all.totals.byKey[OTHER]?.rejected, 1);
    const served = (await (await get("/__sandbox/calls?served=true")).json()) as typeof all;
    assert.equal(served.calls.length, 1);
    assert.equal(served.totals.overall.rejected, 1, "totals are never filtered");
    const other = (await (await get(`/__sandbox/calls?key=${OTHER}`)).json()) as typeof all;
    assert.deepEqual(other.calls.map((c) => c.httpStatus), [503]);

    assert.equal((await admin("key-fault", { key: KEY, fault: "502" })).status, 200);
    assert.equal((await rawPost(url, chat(), KEY)).status, 502);
    assert.equal((await admin("key-fault", { key: KEY, fault: { status: 429, times: 1 } })).status, 200);
    assert.equal((await rawPost(url, chat(), KEY)).status, 429);
    assert.equal((await rawPost(url, chat(), KEY)).status, 200, "times=1 used up");
    assert.equal((await admin("key-fault", { key: KEY, fault: "explode" })).status, 400);
    assert.equal((await admin("key-fault", { key: "nobody", fault: "503" })).status, 400);
    assert.equal((await admin("key-fault", { key: KEY, fault: null })).status, 200);

    assert.equal((await admin("keys", { key: "added-over-http", rpm: 1 })).status, 200);
    assert.equal((await rawPost(url, chat(), "added-over-http")).status, 200);
    assert.equal((await rawPost(url, chat(), "added-over-http")).status, 429);
    assert.equal((await admin("keys", { key: "bad", rpm: 0 })).status, 400);

    assert.equal((await admin("reset")).status, 200);
    assert.equal(sandbox.calls().length, 0);
    assert.equal(sandbox.totals().overall.costNanos, 0n);
    assert.equal((await rawPost(url, chat(), "added-over-http")).status, 200, "reset clears rate windows");
  });

  it("the in-process API: generation(id), calls(filter), totals() by key, addKey replacing a key", async () => {
    const res = JSON.parse((await rawPost(url, chat(), KEY)).text) as SseChunk;
    assert.equal(sandbox.generation(res.id)?.costNanos, cost(7, 37));
    assert.equal(sandbox.calls({ key: OTHER }).length, 0);
    assert.equal(sandbox.totals().byKey[KEY]?.served, 1);
    assert.equal(res.choices[0]?.message?.content, completionText(37, 7));
    sandbox.addKey({ key: KEY });
    const keyDoc = (await (await get("/api/v1/key", KEY)).json()) as { data: { usage: number } };
    assert.equal(keyDoc.data.usage, 0, "a replaced key starts afresh");
    assert.equal(sandbox.totals().byKey[KEY]?.served, 1, "the audit log keeps its entries");
  });
});
