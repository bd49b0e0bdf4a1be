// Rehearsing failures through Vendo (issue 15): with the sandbox as upstream (the server told so,
// as `vendo dev` tells it), the sandbox's x-sandbox-* headers and `~fault` model suffixes reach it
// through the proxy, and a suffixed model is held and charged as its base model. Without that
// option nothing passes, and the option is refused for an upstream that is not on loopback.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { countPromptTokens, defaultCompletionTokens } from "@vendo/sandbox";
import { startServer } from "../../src/app.js";
import { getBalance } from "../../src/ledger/accounts.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, TEST_SECRET_KEY, type World } from "../support/world.js";

const MESSAGES = [{ role: "user", content: "hello world" }];
const PROMPT_TOKENS = countPromptTokens({ messages: MESSAGES });

async function chat(world: World, key: string, model: string, headers: Record<string, string> = {}, stream = false) {
  const res = await request(`${world.proxyBaseUrl}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, messages: MESSAGES, ...(stream ? { stream: true } : {}) }),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

for (const { kind, skip } of storeKinds) {
  describe(`sandbox faults through the proxy, with sandboxUpstream (${kind})`, { skip }, () => {
    let world: World;
    let tenant: string;
    let key: string;
    before(async () => {
      world = await startWorld(kind, { server: { sandboxUpstream: true } });
      tenant = await world.createTenant("1");
      key = (await world.createKey(tenant)).plaintext;
    });
    after(() => world?.close());

    it("passes X-Sandbox-Completion-Tokens and X-Sandbox-Fault on", async () => {
      const byTokens = await chat(world, key, "openai/gpt-4o-mini", { "x-sandbox-completion-tokens": "3" });
      assert.equal(byTokens.status, 200, byTokens.text);
      assert.equal(JSON.parse(byTokens.text).usage.completion_tokens, 3);
      const byFault = await chat(world, key, "openai/gpt-4o-mini", { "x-sandbox-fault": "tokens=4, cached=2" });
      assert.equal(JSON.parse(byFault.text).usage.completion_tokens, 4);
      assert.equal(JSON.parse(byFault.text).usage.prompt_tokens_details.cached_tokens, 2);
      const broken = await chat(world, key, "openai/gpt-4o-mini", { "x-sandbox-fault": "stream-error=2" }, true);
      assert.match(broken.text, /"finish_reason":"error"/);
    });

    it("holds and charges a `model~directive` as its base model, to the nano-USD the sandbox billed", async () => {
      await world.server.settled();
      const before = (await getBalance(world.server.store.db, tenant))?.balance as bigint;
      const seen = world.sandbox.calls({ served: true }).length;
      const answer = await chat(world, key, "anthropic/claude-sonnet-4~tokens=5~cached=3");
      assert.equal(answer.status, 200, answer.text);
      assert.equal(JSON.parse(answer.text).usage.completion_tokens, 5);
      await world.server.settled();
      const served = world.sandbox.calls({ served: true }).slice(seen);
      assert.equal(served.length, 1);
      assert.equal(served[0]?.model, "anthropic/claude-sonnet-4");
      assert.equal(served[0]?.cachedTokens, 3);
      const after = (await getBalance(world.server.store.db, tenant))?.balance as bigint;
      assert.equal(before - after, served[0]?.costNanos);
      const held = (await getBalance(world.server.store.db, tenant))?.held;
      assert.equal(held, 0n);
    });

    it("a `~503` rehearses the upstream failing: OpenRouter's error shape, nothing charged", async () => {
      await world.server.settled();
      const before = await getBalance(world.server.store.db, tenant);
      const failed = await chat(world, key, "openai/gpt-4o-mini~503");
      assert.equal(failed.status, 503);
      assert.deepEqual(Object.keys(JSON.parse(failed.text).error).sort(), ["code", "message"]);
      await world.server.settled();
      assert.deepEqual(await getBalance(world.server.store.db, tenant), before);
    });

    it("an unknown base model is still refused before anything is held", async () => {
      const refused = await chat(world, key, "nope/model~tokens=5");
      assert.equal(refused.status, 400);
      assert.match(JSON.parse(refused.text).error.message, /nope\/model~tokens=5/);
    });
  });

  describe(`sandbox faults through the proxy, without sandboxUpstream (${kind})`, { skip }, () => {
    let world: World;
    let key: string;
    before(async () => {
      world = await startWorld(kind);
      key = (await world.createKey(await world.createTenant("1"))).plaintext;
    });
    after(() => world?.close());

    it("drops the x-sandbox-* headers, as for any upstream", async () => {
      const answer = await chat(world, key, "openai/gpt-4o-mini", { "x-sandbox-completion-tokens": "3", "x-sandbox-fault": "tokens=4" });
      assert.equal(answer.status, 200, answer.text);
      const expected = defaultCompletionTokens(PROMPT_TOKENS);
      assert.notEqual(expected, 3);
      assert.equal(JSON.parse(answer.text).usage.completion_tokens, expected);
    });

    it("does not know a `model~directive`: a 400 before anything reaches the upstream", async () => {
      const seen = world.sandbox.calls().length;
      const refused = await chat(world, key, "openai/gpt-4o-mini~tokens=5");
      assert.equal(refused.status, 400);
      assert.equal(world.sandbox.calls().length, seen);
    });
  });
}

describe("the sandboxUpstream option", () => {
  it("is refused for an upstream that is not on this machine, and without any upstream", async () => {
    for (const upstreams of [{ openrouter: "https://openrouter.ai/api" }, {}]) {
      await assert.rejects(
        startServer({ port: 0, sqlitePath: ":memory:", secretKey: TEST_SECRET_KEY, sandboxUpstream: true, upstreams, logLevel: "silent" }),
        /sandboxUpstream/,
      );
    }
  });
});
