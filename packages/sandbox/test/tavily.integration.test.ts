// The sandbox's Tavily, held to Tavily's Search and Usage API references: the official client
// works against it unchanged; a search bills 1 credit (basic, fast, ultra-fast) or 2 (advanced, or
// what auto_parameters chose) at $0.008 each; usage is reported only when asked; GET /usage counts a
// key's credits; errors are Tavily's {"detail":{"error"}} (a spent key 432).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { tavily } from "@tavily/core";
import { startSandbox, type Sandbox } from "../src/index.ts";
import { rawPost } from "./support/http.ts";

const KEY = "tvly-sandbox-0123456789";

describe("the sandbox's Tavily", () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ keys: [KEY, { key: "tvly-spent-0123456789", creditsUsd: "0" }] });
  });
  after(() => sandbox.close());

  it("bills each search its credits, reports usage when asked, and counts them for GET /usage", async () => {
    sandbox.reset();
    const tvly = tavily({ apiKey: KEY, apiBaseURL: sandbox.upstreamUrls.tavily });
    const basic = await tvly.search("who is Leo Messi?", { maxResults: 2 });
    assert.equal(basic.results.length, 2);
    assert.equal(basic.usage, undefined, "no usage unless asked");
    const advanced = await tvly.search("who is Leo Messi?", { searchDepth: "advanced", includeUsage: true, includeAnswer: true });
    assert.deepEqual(advanced.usage, { credits: 2 });
    assert.ok(advanced.answer);
    const auto = await tvly.search("one two three four five six seven eight", { autoParameters: true });
    assert.equal(auto.autoParameters?.searchDepth, "advanced");
    assert.deepEqual(sandbox.calls({ served: true }).map((c) => [c.units, c.costNanos]), [[1, 8_000_000n], [2, 16_000_000n], [2, 16_000_000n]]);
    const usage = (await (await fetch(`${sandbox.upstreamUrls.tavily}/usage`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { key: { usage: number } };
    assert.equal(usage.key.usage, 5);
  });

  it("answers Tavily's errors", async () => {
    const url = `${sandbox.upstreamUrls.tavily}/search`;
    const wrong = await rawPost(url, { query: "q" }, "tvly-wrong");
    assert.deepEqual([wrong.status, JSON.parse(wrong.text)], [401, { detail: { error: "Unauthorized: missing or invalid API key." } }]);
    const missing = await rawPost(url, { max_results: 2 }, KEY);
    assert.deepEqual([missing.status, JSON.parse(missing.text)], [400, { detail: { error: "Query is missing." } }]);
    const spent = await rawPost(url, { query: "q" }, "tvly-spent-0123456789");
    assert.equal(spent.status, 432);
    const fault = await rawPost(url, { query: "q" }, KEY, { headers: { "x-sandbox-fault": "503" } });
    assert.equal(fault.status, 503);
  });
});
