// Every fault behaves as documented in docs/sandbox.md, and is recorded as documented.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { completionText, priceNanos, sandboxModels, startSandbox, tokenPiece, type Sandbox } from "../src/index.ts";
import { eventually, rawPost, sseChunks, type SseChunk } from "./support/http.ts";

const K1 = "sk-or-v1-fault-one";
const K2 = "sk-or-v1-fault-two";
const mini = sandboxModels.find((m) => m.id === "openai/gpt-4o-mini");
if (!mini) throw new Error("catalog lacks gpt-4o-mini");
const cost = (prompt: number, completion: number, cached = 0) => priceNanos(mini.pricing, { promptTokens: prompt, completionTokens: completion, cachedTokens: cached });
const body = (stream: boolean, model = "openai/gpt-4o-mini") => ({ model, messages: [{ role: "user", content: "hello world" }], stream });

describe("faults", () => {
  let sandbox: Sandbox;
  let url: string;
  before(async () => {
    sandbox = await startSandbox({ keys: [K1, K2] });
    url = `${sandbox.baseUrl}/chat/completions`;
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.setKeyFault(K1, null);
  });
  after(() => sandbox.close());

  for (const status of [500, 502, 503]) {
    it(`${status} before the first byte, in OpenRouter's error shape, recorded as not served`, async () => {
      for (const stream of [false, true]) {
        const res = await rawPost(url, body(stream), K1, { headers: { "x-sandbox-fault": String(status), "x-request-id": `req-${status}` } });
        assert.equal(res.status, status);
        assert.equal(res.headers["content-type"], "application/json");
        const error = (JSON.parse(res.text) as SseChunk).error;
        assert.equal(error?.code, status);
        assert.equal(typeof error?.message, "string");
        assert.match(String(res.headers["x-generation-id"]), /^gen-/);
      }
      const calls = sandbox.calls();
      assert.equal(calls.length, 2);
      for (const c of calls) {
        assert.equal(c.served, false);
        assert.equal(c.status, "rejected");
        assert.equal(c.httpStatus, status);
        assert.equal(c.costNanos, 0n);
        assert.equal(c.requestId, `req-${status}`);
      }
      assert.equal(sandbox.calls({ served: true }).length, 0);
    });
  }

  it("the model suffix carries faults too", async () => {
    const res = await rawPost(url, body(false, "openai/gpt-4o-mini~503"), K1);
    assert.equal(res.status, 503);
    const ok = await rawPost(url, body(false, "openai/gpt-4o-mini~tokens=3~cached=4"), K1);
    const parsed = JSON.parse(ok.text) as SseChunk;
    assert.equal(parsed.usage?.completion_tokens, 3);
    assert.equal(parsed.usage?.prompt_tokens_details.cached_tokens, 4);
    assert.equal(sandbox.calls().at(-1)?.costNanos, cost(7, 3, 4)); // 3 × 150 + 4 × 75 + 3 × 600
    assert.equal(cost(7, 3, 4), 2_550n);
  });

  it("latency delays the first byte", async () => {
    const started = performance.now();
    const res = await rawPost(url, body(true), K1, { headers: { "x-sandbox-fault": "latency=150,tokens=1" } });
    assert.ok((res.arrivals[0]?.at ?? 0) >= 140, `first byte after ${res.arrivals[0]?.at} ms`);
    assert.ok(performance.now() - started >= 150);
    const plain = await rawPost(url, body(false), K1, { headers: { "x-sandbox-fault": "latency=100" } });
    assert.ok((plain.arrivals[0]?.at ?? 0) >= 90);
    assert.equal(plain.status, 200);
  });

  it("stream-error: N chunks, then an in-stream error chunk, then the end", async () => {
    const res = await rawPost(url, body(true), K1, { headers: { "x-sandbox-fault": "stream-error=3", "x-request-id": "r-err" } });
    assert.equal(res.status, 200);
    assert.equal(res.ending, "end");
    assert.ok(!res.text.includes("[DONE]"));
    const chunks = sseChunks(res.text);
    assert.equal(chunks.length, 1 + 3 + 1);
    assert.deepEqual(chunks.slice(1, 4).map((c) => c.choices[0]?.delta?.content), [0, 1, 2].map((i) => tokenPiece(i, 7)));
    const last = chunks.at(-1);
    assert.equal(last?.error?.code, 502);
    assert.equal(last?.choices[0]?.finish_reason, "error");
    assert.equal(last?.usage, undefined);
    const call = sandbox.calls()[0];
    assert.deepEqual(
      { served: call?.served, status: call?.status, completion: call?.completionTokens, cost: call?.costNanos, requestId: call?.requestId, finish: call?.finishReason },
      { served: true, status: "error", completion: 3, cost: cost(7, 3), requestId: "r-err", finish: "error" },
    );
  });

  it("stream-error on a non-streamed call: 200 with the partial content, error and finish_reason error", async () => {
    const res = await rawPost(url, body(false), K1, { headers: { "x-sandbox-fault": "stream-error=2" } });
    assert.equal(res.status, 200);
    const parsed = JSON.parse(res.text) as SseChunk;
    assert.equal(parsed.error?.code, 502);
    assert.equal(parsed.choices[0]?.finish_reason, "error");
    assert.equal(parsed.choices[0]?.message?.content, completionText(2, 7));
    assert.equal(parsed.usage?.completion_tokens, 2);
    assert.equal(sandbox.calls()[0]?.costNanos, cost(7, 2));
  });

  it("reset: N chunks, then the socket is destroyed", async () => {
    const res = await rawPost(url, body(true), K1, { headers: { "x-sandbox-fault": "reset=2" } });
    assert.equal(res.ending, "aborted", "the response never completed");
    const chunks = sseChunks(res.text);
    assert.equal(chunks.length, 3, "role + 2 content chunks");
    const call = sandbox.calls()[0];
    assert.deepEqual([call?.status, call?.served, call?.completionTokens, call?.costNanos, call?.cancelled], ["reset", true, 2, cost(7, 2), false]);
  });

  it("reset on a non-streamed call: no response at all, prompt billed", async () => {
    await assert.rejects(rawPost(url, body(false), K1, { headers: { "x-sandbox-fault": "reset" } }), /socket hang up|ECONNRESET/);
    const call = sandbox.calls()[0];
    assert.deepEqual([call?.status, call?.completionTokens, call?.costNanos], ["reset", 0, cost(7, 0)]);
  });

  it("hang: N chunks, then silence on an open connection", async () => {
    const res = await rawPost(url, body(true), K1, { headers: { "x-sandbox-fault": "hang=2" }, stopAfterBytes: 1 });
    // Wait for the role and two content chunks, then make sure nothing else comes.
    const call = await eventually(() => sandbox.calls()[0]);
    assert.deepEqual([call.status, call.completionTokens, call.costNanos], ["hang", 2, cost(7, 2)]);
    await new Promise((r) => setTimeout(r, 300));
    const text = res.arrivals.map((a) => a.data).join("");
    assert.ok(text.length > 0);
    res.destroy();
    assert.equal(sandbox.calls().length, 1, "no second entry when the client finally leaves");
  });

  it("hang keeps the socket open: the client times out, not the server", async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 250);
    await assert.rejects(
      fetch(url, { method: "POST", headers: { authorization: `Bearer ${K1}`, "content-type": "application/json", "x-sandbox-fault": "hang" }, body: JSON.stringify(body(false)), signal: controller.signal }),
      /abort/i,
    );
    assert.ok(performance.now() - started >= 240);
    assert.equal(sandbox.calls()[0]?.status, "hang");
  });

  it("a key fault applies to that key only (pool failover)", async () => {
    sandbox.setKeyFault(K1, { status: 503 });
    assert.equal((await rawPost(url, body(false), K1)).status, 503);
    assert.equal((await rawPost(url, body(false), K2)).status, 200);
    assert.equal((await rawPost(url, body(false), K1)).status, 503, "still failing");
    sandbox.setKeyFault(K1, "502,times=1");
    assert.equal((await rawPost(url, body(false), K1)).status, 502);
    assert.equal((await rawPost(url, body(false), K1)).status, 200, "times=1 cleared it");
    sandbox.setKeyFault(K1, "chunk-delay=1,tokens=2");
    const merged = await rawPost(url, body(false), K1, { headers: { "x-sandbox-fault": "tokens=5" } });
    assert.equal((JSON.parse(merged.text) as SseChunk).usage?.completion_tokens, 5, "the header wins over the key fault");
    assert.deepEqual(
      sandbox.calls().map((c) => [c.key, c.httpStatus, c.served]),
      [[K1, 503, false], [K2, 200, true], [K1, 503, false], [K1, 502, false], [K1, 200, true], [K1, 200, true]],
    );
  });

  it("keys can be configured with a fault at construction", async () => {
    const other = await startSandbox({ keys: [{ key: "a", fault: "503" }, "b"] });
    try {
      assert.equal((await rawPost(`${other.baseUrl}/chat/completions`, body(false), "a")).status, 503);
      assert.equal((await rawPost(`${other.baseUrl}/chat/completions`, body(false), "b")).status, 200);
    } finally {
      await other.close();
    }
  });

  it("a malformed fault is a 400, never a silent no-op", async () => {
    const res = await rawPost(url, body(false), K1, { headers: { "x-sandbox-fault": "explode=1" } });
    assert.equal(res.status, 400);
    assert.match((JSON.parse(res.text) as SseChunk).error?.message ?? "", /unknown sandbox fault directive/);
    assert.equal(sandbox.calls()[0]?.served, false);
    assert.throws(() => sandbox.setKeyFault(K1, "latency"), /needs a value/);
  });

  it("is reproducible: the same request gets the same content and usage", async () => {
    const a = JSON.parse((await rawPost(url, body(false), K1)).text) as SseChunk;
    const b = JSON.parse((await rawPost(url, body(false), K2)).text) as SseChunk;
    assert.notEqual(a.id, b.id);
    assert.deepEqual([a.choices, a.usage], [b.choices, b.usage]);
  });
});
