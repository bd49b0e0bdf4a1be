// The Tavily adapter on Tavily's answers, kept as transcripts in test/fixtures/transcripts/tavily
// (written from the Search and Usage API references; figures as their examples give them): a basic
// search, one that reports its credits (`include_usage`), one whose depth auto_parameters chose,
// and a key's usage. Requests are held for the most they can cost, a body key is never forwarded,
// errors take Tavily's shape.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { adapterFor, RequestRefused, type CallRequest } from "../../adapters/index.ts";
import { getIntegration } from "../../src/index.ts";

const tavily = getIntegration("tavily");
const adapter = adapterFor(tavily);
const fixture = (name: string) => readFileSync(new URL(`../fixtures/transcripts/tavily/${name}`, import.meta.url));

function read(fields: Record<string, unknown>, path = "/search"): CallRequest {
  const body = Buffer.from(JSON.stringify(fields));
  return adapter.readRequest({ method: "POST", path, query: "", headers: {}, body, fields }, tavily);
}

/** The answer metered whole and in 1- and 9-byte slices: every way must read the same. */
function credits(request: CallRequest, name: string): { units: number | null; id: string | null } {
  const bytes = fixture(name);
  const [whole, ...sliced] = [bytes.length, 1, 9].map((slice) => {
    const meter = adapter.meter(request, false);
    for (let i = 0; i < bytes.length; i += slice) meter.push(bytes.subarray(i, i + slice));
    const usage = meter.finish();
    return { units: usage.units, id: usage.generationId };
  });
  for (const other of sliced) assert.deepEqual(other, whole);
  return whole ?? { units: null, id: null };
}

describe("Tavily's credits", () => {
  it("holds each request for the most it can cost: 1 credit, 2 advanced, 2 when auto_parameters may choose", () => {
    assert.deepEqual(
      [{}, { search_depth: "basic" }, { search_depth: "fast" }, { search_depth: "ultra-fast" }, { search_depth: "advanced" }, { auto_parameters: true }, { auto_parameters: true, search_depth: "basic" }].map((f) => read({ query: "q", ...f }).units),
      [1, 1, 1, 1, 2, 2, 1],
    );
  });

  it("charges what Tavily billed: its reported credits, else the depth that ran", () => {
    assert.deepEqual(credits(read({ query: "q" }), "search-basic.json"), { units: 1, id: "123e4567-e89b-12d3-a456-426614174111" });
    assert.equal(credits(read({ query: "q", include_usage: true }), "search-usage.json").units, 2, "usage.credits wins");
    assert.equal(credits(read({ query: "q", auto_parameters: true }), "search-auto.json").units, 2, "the depth auto_parameters chose");
    assert.equal(credits(read({ query: "q", search_depth: "advanced" }), "search-basic.json").units, 2, "the depth asked for");
  });

  it("reads a key's lifetime credits from GET /usage", async () => {
    const figure = await adapter.records.readUsage?.(async (path) => {
      assert.equal(path, "/usage");
      return { status: 200, json: JSON.parse(fixture("usage.json").toString()) as unknown };
    }, tavily);
    assert.deepEqual(figure, { units: 150 });
    await assert.rejects(adapter.records.readUsage?.(async () => ({ status: 401, json: { detail: { error: "Unauthorized" } } }), tavily) ?? Promise.reject(new Error("no reader")));
  });
});

describe("Tavily requests", () => {
  it("refuses a missing query or an unknown depth, in Tavily's words", () => {
    assert.throws(() => read({ query: "" }), (e) => e instanceof RequestRefused && e.message === "Query is missing.");
    assert.throws(() => read({ search_depth: "basic" }), (e) => e instanceof RequestRefused && e.message === "Query is missing.");
    assert.throws(() => read({ query: "q", search_depth: "deep" }), /search_depth/);
    assert.throws(() => read({ query: "q" }, "/extract"), (e) => e instanceof RequestRefused && e.code === "NOT_FOUND");
  });

  it("never forwards a key given in the body", () => {
    assert.deepEqual(JSON.parse(String(adapter.rewrite?.(read({ api_key: "vendo_sk_x", query: "q", max_results: 2 }), null))), { query: "q", max_results: 2 });
    assert.equal(adapter.rewrite?.(read({ query: "q" }), null), null);
  });

  it("answers Vendo's errors in Tavily's shape; a spent key (432, 433) lets the next pool key try", () => {
    assert.deepEqual(adapter.errorBody({ status: 402, code: "INSUFFICIENT_CREDITS", message: "m", limit: null }, "r"), { detail: { error: "m" } });
    assert.deepEqual(adapter.credentialRefusals, [432, 433]);
  });
});
