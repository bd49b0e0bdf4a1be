// The Anthropic integration end to end, through the real proxy to the sandbox's Anthropic, with the
// official `@anthropic-ai/sdk` client: messages plain and streamed, a forced tool call (plain and
// streamed), prompt caching (cache reads, 5-minute and 1-hour cache writes, each priced apart),
// token counting (free) and the model list. Every call is charged the sandbox's exact cost × markup
// to the nano-USD (support/expectedMoney.ts), within its hold (invariant 3). A stream the upstream
// breaks is charged what it billed, estimated from the events that came. Refusals come in
// Anthropic's error shape, reach no upstream and cost nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { request } from "undici";
import { getBalance } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { expectedCharge } from "../support/expectedMoney.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const MARKUP_BPS = 1_250n; // 12.5 %
const weather: Anthropic.Tool = { name: "get_weather", description: "The weather in a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };

for (const { kind, skip } of storeKinds) {
  describe(`Anthropic through the proxy, with the official client (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind, { integrations: ["anthropic"], poolKeys: ["sk-ant-pool-one-0123456789", "sk-ant-pool-two-0123456789"], markupBps: MARKUP_BPS });
    });
    after(() => world?.close());

    const client = (key: string, headers: Record<string, string> = {}) => new Anthropic({ apiKey: key, baseURL: world.proxyUrl("anthropic"), maxRetries: 0, defaultHeaders: headers });

    async function chargedExactly(tenantId: string): Promise<number> {
      await world.server.settled();
      const served = new Map(world.sandbox.calls({ served: true }).map((c) => [c.requestId, c]));
      const holds = await world.server.store.db.selectFrom("holds").selectAll().where("tenant_id", "=", tenantId).execute();
      for (const hold of holds) {
        assert.equal(hold.status, "posted", `${hold.request_id} posted`);
        const call = served.get(hold.request_id);
        assert.ok(call, `the sandbox served ${hold.request_id}`);
        assert.equal(hold.charge, expectedCharge(call.costExact, MARKUP_BPS), `${call.model}: charged the exact cost × markup`);
        assert.ok(hold.charge <= hold.amount, `charge ${hold.charge} within its hold ${hold.amount}`);
      }
      assert.equal((await getBalance(world.server.store.db, tenantId))?.held, 0n);
      return holds.length;
    }

    it("messages plain and streamed, a forced tool call plain and streamed", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant, { integration: "anthropic" });
      const claude = client(key.plaintext);

      const plain = await claude.messages.create({ model: "claude-haiku-4-5", max_tokens: 30, messages: [{ role: "user", content: "hello there" }] });
      assert.equal(plain.content[0]?.type, "text");
      assert.ok(plain.usage.output_tokens <= 30);

      const stream = claude.messages.stream({ model: "claude-sonnet-5-5", max_tokens: 200, messages: [{ role: "user", content: "stream please" }] });
      let text = "";
      stream.on("text", (t) => (text += t));
      const final = await stream.finalMessage();
      assert.ok(text.length > 0 && final.usage.output_tokens > 0);

      const call = await claude.messages.create({ model: "claude-opus-4-5", max_tokens: 100, messages: [{ role: "user", content: "weather?" }], tools: [weather], tool_choice: { type: "any" } });
      assert.deepEqual([call.stop_reason, call.content[0]?.type], ["tool_use", "tool_use"]);
      const streamed = await claude.messages.stream({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "weather?" }], tools: [weather], tool_choice: { type: "tool", name: "get_weather" } }).finalMessage();
      const block = streamed.content[0];
      assert.deepEqual(block?.type === "tool_use" ? block.input : null, { city: "sandbox reply" });

      assert.equal(await chargedExactly(tenant), 4);
      assert.equal((await auditLedger(world.server.store)).ok, true);
    });

    it("cache reads and both lifetimes of cache writes, each at its own price; a broken stream charged what was billed", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant, { integration: "anthropic" });
      const long = "a long system prompt worth caching ".repeat(40);
      const cached = client(key.plaintext);
      // The sandbox's cache faults, on the pool keys (its request headers reach it only through a proxy told it is a sandbox).
      for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, "cached=100, cache-write=80, cache-write-long=60, times=1");
      const message = await cached.messages.create({ model: "claude-sonnet-5-5", max_tokens: 40, system: long, messages: [{ role: "user", content: "hi" }] });
      for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, null);
      assert.deepEqual(
        [message.usage.cache_read_input_tokens, message.usage.cache_creation_input_tokens, message.usage.cache_creation?.ephemeral_1h_input_tokens],
        [100, 140, 60],
      );
      for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, "stream-error=5, times=1");
      const broken = client(key.plaintext).messages.stream({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "break" }] });
      await assert.rejects(broken.finalMessage());
      for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, null);

      assert.equal(await chargedExactly(tenant), 2);
      // 100 read at $0.20, 80 written for 5 minutes at $2.50, 60 for 1 hour at $4, the rest at $2, 40 out at $10 per million.
      const [first] = world.sandbox.calls({ served: true });
      const uncached = BigInt((first?.promptTokens ?? 0) - 240);
      const nanos = 100n * 200n + 80n * 2_500n + 60n * 4_000n + uncached * 2_000n + BigInt(first?.completionTokens ?? 0) * 10_000n;
      assert.equal(first?.costNanos, nanos, "the sandbox billed each part at its price");
    });

    it("token counting and the model list are forwarded free", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant, { integration: "anthropic" });
      const claude = client(key.plaintext);
      const counted = await claude.messages.countTokens({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "hello there" }] });
      assert.equal(counted.input_tokens, 7);
      const models = await claude.models.list();
      assert.ok(models.data.some((m) => m.id === "claude-haiku-4-5"));
      await world.server.settled();
      assert.equal((await getBalance(world.server.store.db, tenant))?.balance, 1_000_000_000n, "nothing charged");
      assert.deepEqual(world.sandbox.calls(), [], "no generation");
    });

    it("refusals in Anthropic's shape, before any hold: nothing reaches Anthropic, nothing is charged", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("0.001");
      const key = await world.createKey(tenant, { integration: "anthropic" });
      const claude = client(key.plaintext);
      const refused = async (call: Promise<unknown>) => {
        try {
          await call;
        } catch (error) {
          assert.ok(error instanceof Anthropic.APIError, String(error));
          return { status: error.status, body: error.error as { type: string; error: { type: string; message: string }; request_id: string } };
        }
        throw new Error("the call was not refused");
      };
      const noMax = await refused(claude.messages.create({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "x" }] } as unknown as Anthropic.MessageCreateParamsNonStreaming));
      assert.equal(noMax.status, 400);
      assert.deepEqual([noMax.body.type, noMax.body.error.type, noMax.body.error.message], ["error", "invalid_request_error", "max_tokens: Field required"]);
      assert.match(noMax.body.request_id, /^req_/);

      const search = await refused(claude.messages.create({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "news?" }], tools: [{ type: "web_search_20250305", name: "web_search" }] }));
      assert.match(search.body.error.message, /server tool 'web_search_20250305'/);

      const poor = await refused(claude.messages.create({ model: "claude-opus-4-5", max_tokens: 2000, messages: [{ role: "user", content: "write" }] }));
      assert.equal(poor.status, 402);
      assert.match(poor.body.error.message, /could cost up to \$0\.05\d+ \(2000 completion tokens per choice at most\), and the balance has \$0\.001 available/);

      const noVersion = await request(`${world.proxyUrl("anthropic")}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": key.plaintext, "content-type": "application/json" },
        body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
      });
      assert.equal(noVersion.statusCode, 400);
      assert.equal(((await noVersion.body.json()) as { error: { message: string } }).error.message, "anthropic-version: header is required");

      assert.deepEqual(world.sandbox.calls(), [], "nothing reached the upstream");
      await world.server.settled();
      assert.equal((await getBalance(world.server.store.db, tenant))?.balance, 1_000_000n);
    });
  });
}
