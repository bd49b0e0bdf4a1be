// Done-when 1: the official clients, through the proxy, to the sandbox; the balance falls by
// exactly what the sandbox recorded (× markup); /v1/generation returns that charge.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import OpenAI from "openai";
import { getIntegration, resolveConnectionEnvVars } from "@vendo/integrations";
import { getBalance } from "../../src/ledger/accounts.js";
import { applyMarkup, decimalToNanos, usdNumberToNanos } from "../../src/ledger/money.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const run = promisify(execFile);
const MODEL = "openai/gpt-4o-mini";
const MARKUP_BPS = 250n; // 2.5 %

for (const { kind, skip } of storeKinds) {
  describe(`official clients through the proxy (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind, { markupBps: MARKUP_BPS });
    });
    after(() => world?.close());

    it("@openrouter/sdk, configured only by the injected env vars, streams and not; charges match the sandbox", async () => {
      const tenant = await world.createTenant("3");
      const key = await world.createKey(tenant);
      const env = resolveConnectionEnvVars(
        getIntegration("openrouter"),
        { profile: "vendo_managed_pool" },
        { proxyUrl: `${world.server.url}/proxy/openrouter`, apiKey: key.plaintext },
      );
      const childEnv: Record<string, string> = { PATH: process.env.PATH ?? "" };
      for (const v of env) childEnv[v.name] = v.value;
      const script = fileURLToPath(new URL("../fixtures/openrouter-sdk-call.mjs", import.meta.url));
      const { stdout } = await run(process.execPath, [script, MODEL], { env: childEnv, cwd: fileURLToPath(new URL("../../", import.meta.url)) });
      const out = JSON.parse(stdout) as {
        plain: { id: string; usage: { cost: number; completionTokens: number } };
        stream: { id: string; text: string; usage: { cost: number } };
        credits: { data: { totalCredits: number; totalUsage: number } };
        generation: { data: { totalCost: number; tokensCompletion: number } };
        key: { data: { usage: number } };
      };
      assert.ok(out.plain.id.startsWith("gen-"));
      assert.ok(out.stream.text.length > 0, "the stream carried content");
      assert.ok(out.plain.usage.completionTokens <= 12, "max_tokens capped the completion");

      await world.server.settled();
      const served = world.sandbox.calls().filter((c) => c.served);
      assert.equal(served.length, 2);
      const sandboxNanos = served.reduce((sum, c) => sum + c.costNanos, 0n);
      const clientNanos = (usdNumberToNanos(out.plain.usage.cost) as bigint) + (usdNumberToNanos(out.stream.usage.cost) as bigint);
      assert.equal(clientNanos, sandboxNanos, "the clients saw the sandbox's costs");
      const expectedCharge = served.reduce((sum, c) => sum + applyMarkup(c.costNanos, MARKUP_BPS), 0n);

      const balance = await getBalance(world.server.store.db, tenant);
      assert.equal(balance?.balance, (decimalToNanos("3") as bigint) - expectedCharge);
      assert.equal(balance?.held, 0n);

      const plainServed = served.find((c) => c.id === out.plain.id);
      assert.ok(plainServed);
      assert.equal(usdNumberToNanos(out.generation.data.totalCost), applyMarkup(plainServed.costNanos, MARKUP_BPS));
      assert.equal(usdNumberToNanos(out.credits.data.totalCredits), decimalToNanos("3"));
      assert.equal(usdNumberToNanos(out.credits.data.totalUsage), expectedCharge);
      assert.equal(usdNumberToNanos(out.key.data.usage), expectedCharge);
    });

    it("the openai client with baseURL set completes streaming and non-streaming calls, charged exactly", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("2");
      const key = await world.createKey(tenant);
      const client = new OpenAI({ apiKey: key.plaintext, baseURL: world.proxyBaseUrl });
      const plain = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hello there" }], max_tokens: 30 });
      assert.ok(plain.choices[0]?.message.content);
      const stream = await client.chat.completions.create({ model: "anthropic/claude-sonnet-4", messages: [{ role: "user", content: "tell me more" }], stream: true });
      let chunks = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) chunks++;
      assert.ok(chunks > 0);
      const embedding = await client.embeddings.create({ model: "openai/text-embedding-3-small", input: "vectors please" });
      assert.ok(embedding.data[0]?.embedding.length);

      await world.server.settled();
      const served = world.sandbox.calls().filter((c) => c.served);
      assert.equal(served.length, 3);
      const expected = served.reduce((sum, c) => sum + applyMarkup(c.costNanos, MARKUP_BPS), 0n);
      const balance = await getBalance(world.server.store.db, tenant);
      assert.equal(balance?.balance, (decimalToNanos("2") as bigint) - expected);
      assert.equal(balance?.held, 0n);
    });
  });
}
