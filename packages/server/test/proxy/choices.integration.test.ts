// `n` through the proxy: validated (a positive integer, else 400 before any hold), forwarded, and
// the call charged what the upstream billed for every choice.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getBalance } from "../../src/ledger/accounts.js";
import { decimalToNanos } from "../../src/ledger/money.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

for (const { kind, skip } of storeKinds) {
  describe(`n choices through the proxy (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind);
    });
    after(() => world?.close());

    it("n = 3 is served with three choices and charged all three completions", async () => {
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant);
      const res = await fetch(`${world.proxyBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key.plaintext}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello world" }], n: 3, max_tokens: 10 }),
      });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      const body = JSON.parse(text) as { choices: Array<{ index: number }>; usage: { prompt_tokens: number; completion_tokens: number } };
      assert.deepEqual(body.choices.map((c) => c.index), [0, 1, 2]);
      assert.deepEqual([body.usage.prompt_tokens, body.usage.completion_tokens], [7, 30]);

      await world.server.settled();
      const calls = world.sandbox.calls();
      assert.equal(calls.length, 1);
      // 7 × 0.15 + 30 × 0.60 µ$ = 19.05 µ$, the prompt billed once.
      assert.equal(calls[0]?.costNanos, 19_050n);
      const balance = await getBalance(world.server.store.db, tenant);
      assert.equal(balance?.balance, (decimalToNanos("1") as bigint) - 19_050n);
      assert.equal(balance?.held, 0n);
    });
  });
}
