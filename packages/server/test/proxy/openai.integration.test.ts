// The OpenAI integration end to end, through the real proxy to the sandbox's OpenAI imitation, with
// the official `openai` client: chat completions (plain, streamed with and without a usage report,
// a forced tool call), the Responses API (plain, streamed, a follow-up on a stored response) and
// embeddings. Every call is charged the sandbox's exact cost × markup to the nano-USD
// (support/expectedMoney.ts), within its hold (invariant 3). A streamed chat completion whose
// client did not ask for usage reaches it without any: the proxy asked OpenAI for the report and
// took it back out. Refusals come in OpenAI's error shape, reach no upstream and cost nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { request } from "undici";
import { getBalance } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { expectedCharge } from "../support/expectedMoney.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const MARKUP_BPS = 700n; // 7 %
const weather = {
  type: "function" as const,
  function: { name: "get_weather", description: "The weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};

for (const { kind, skip } of storeKinds) {
  describe(`OpenAI through the proxy, with the official client (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind, { integrations: ["openai"], poolKeys: ["sk-openai-pool-one-0123456789", "sk-openai-pool-two-0123456789"], markupBps: MARKUP_BPS });
    });
    after(() => world?.close());

    const client = (key: string) => new OpenAI({ apiKey: key, baseURL: world.proxyUrl("openai"), maxRetries: 0 });

    /** Every posted hold of the tenant is the sandbox's exact cost × markup, within its hold; returns how many. */
    async function chargedExactly(tenantId: string): Promise<number> {
      await world.server.settled();
      const served = new Map(world.sandbox.calls({ served: true }).map((c) => [c.requestId, c]));
      const holds = await world.server.store.db.selectFrom("holds").selectAll().where("tenant_id", "=", tenantId).execute();
      for (const hold of holds) {
        assert.equal(hold.status, "posted", `${hold.request_id} posted`);
        const call = served.get(hold.request_id);
        assert.ok(call, `the sandbox served ${hold.request_id}`);
        assert.equal(hold.charge, expectedCharge(call.costExact, MARKUP_BPS), `${call.path}: charged the exact cost × markup`);
        assert.ok(hold.charge <= hold.amount, `charge ${hold.charge} within its hold ${hold.amount}`);
      }
      const balance = await getBalance(world.server.store.db, tenantId);
      assert.equal(balance?.held, 0n);
      return holds.length;
    }

    it("chat completions: plain, streamed (no usage asked: none seen), streamed with usage, a forced tool call", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant, { integration: "openai" });
      const openai = client(key.plaintext);

      const plain = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello there" }], max_tokens: 12 });
      assert.ok(plain.choices[0]?.message.content);
      assert.ok(plain.usage && plain.usage.completion_tokens <= 12);

      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "stream please" }], stream: true })) chunks.push(chunk);
      assert.ok(chunks.some((c) => c.choices[0]?.delta?.content), "content streamed");
      assert.ok(chunks.every((c) => !("usage" in c)), "no chunk carries a usage field the client did not ask for");
      assert.ok(chunks.every((c) => c.choices.length > 0), "no usage-only chunk");

      let reported: OpenAI.CompletionUsage | null = null;
      for await (const chunk of await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "with usage" }], stream: true, stream_options: { include_usage: true } })) {
        if (chunk.usage) reported = chunk.usage;
      }
      assert.ok(reported && reported.completion_tokens > 0, "asked for, the usage report arrives");

      const call = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "weather in Paris?" }], tools: [weather], tool_choice: "required" });
      const toolCall = call.choices[0]?.message.tool_calls?.[0];
      assert.equal(toolCall?.type === "function" ? toolCall.function.name : null, "get_weather");
      assert.equal(call.choices[0]?.finish_reason, "tool_calls");

      assert.equal(await chargedExactly(tenant), 4);
      const streamed = world.sandbox.calls({ served: true }).filter((c) => c.streamed);
      assert.equal(streamed.length, 2);
      assert.equal((await auditLedger(world.server.store)).ok, true);
    });

    it("the Responses API, plain and streamed, a follow-up billed for its stored context; embeddings", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant, { integration: "openai" });
      const openai = client(key.plaintext);

      const first = await openai.responses.create({ model: "gpt-4.1-mini", input: "Say hello.", max_output_tokens: 30 });
      assert.ok(first.output_text.length > 0);
      let completed: OpenAI.Responses.Response | null = null;
      for await (const event of await openai.responses.create({ model: "gpt-4.1-mini", input: "And again, streamed.", previous_response_id: first.id, stream: true })) {
        if (event.type === "response.completed") completed = event.response;
      }
      assert.ok(completed?.usage && completed.usage.input_tokens > (first.usage?.input_tokens ?? 0), "the stored context was billed as input");

      const embedding = await openai.embeddings.create({ model: "text-embedding-3-small", input: ["alpha", "bravo"] });
      assert.equal(embedding.data.length, 2);

      assert.equal(await chargedExactly(tenant), 3);
      // The follow-up's prompt is not in its body: it was held for the model's context window.
      const holds = await world.server.store.db.selectFrom("holds").select(["amount", "model"]).where("tenant_id", "=", tenant).execute();
      assert.ok(holds.some((h) => h.amount > 1_047_576n * 400n), "held for gpt-4.1-mini's whole context at $0.40 per million");
    });

    it("refusals in OpenAI's shape, before any hold: nothing reaches OpenAI, nothing is charged", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("0.0001");
      const key = await world.createKey(tenant, { integration: "openai" });
      const openai = client(key.plaintext);
      const refused = async (call: Promise<unknown>): Promise<{ status: number | undefined; error: Record<string, unknown> }> => {
        try {
          await call;
        } catch (error) {
          assert.ok(error instanceof OpenAI.APIError, String(error));
          return { status: error.status, error: error.error as Record<string, unknown> };
        }
        throw new Error("the call was not refused");
      };

      const noModel = await refused(openai.chat.completions.create({ messages: [{ role: "user", content: "x" }] } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming));
      assert.equal(noModel.status, 400);
      assert.deepEqual(Object.keys(noModel.error).sort(), ["code", "message", "param", "type"]);
      assert.equal(noModel.error.type, "invalid_request_error");
      assert.match(String(noModel.error.message), /'model' is required/);

      const builtIn = await refused(openai.responses.create({ model: "gpt-4o-mini", input: "news?", tools: [{ type: "web_search" }] }));
      assert.equal(builtIn.status, 400);
      assert.match(String(builtIn.error.message), /built-in tool 'web_search' is not available through Vendo/);

      const unknown = await refused(openai.chat.completions.create({ model: "gpt-9", messages: [{ role: "user", content: "x" }] }));
      assert.equal(unknown.status, 400);
      assert.match(String(unknown.error.message), /'gpt-9' is not a valid model ID/);

      // No max_tokens: gpt-4o's own 16,384 at $10 per million, plus the prompt, × 1.07: $0.175…
      const poor = await refused(openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "write a lot" }] }));
      assert.equal(poor.status, 402);
      assert.equal(poor.error.type, "insufficient_quota");
      assert.match(String(poor.error.message), /could cost up to \$0\.175\d+ \(16384 completion tokens per choice at most\), and the balance has \$0\.0001 available/);

      const bad = await request(`${world.proxyUrl("openai")}/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${key.plaintext}`, "content-type": "application/json" }, body: "{nope" });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(Object.keys(((await bad.body.json()) as { error: object }).error).sort(), ["code", "message", "param", "type"]);

      assert.deepEqual(world.sandbox.calls(), [], "nothing reached the upstream");
      await world.server.settled();
      assert.equal((await getBalance(world.server.store.db, tenant))?.balance, 100_000n);
    });

    it("GET /v1/models is forwarded with a pool key, for a caller with a key", async () => {
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant, { integration: "openai" });
      const models = await client(key.plaintext).models.list();
      assert.ok(models.data.some((m) => m.id === "gpt-4o-mini"));
      const anonymous = await request(`${world.proxyUrl("openai")}/models`);
      assert.equal(anonymous.statusCode, 401);
      await anonymous.body.dump();
    });
  });
}
