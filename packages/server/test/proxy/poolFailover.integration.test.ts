// Done-when 4: the first pool credential fails before any byte (503, 429, 401); the call succeeds
// on the next, charged once. All failing: 502/503 in OpenRouter's shape, nothing charged.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getBalance } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

async function chat(world: World, key: string, stream = false) {
  const res = await fetch(`${world.proxyBaseUrl}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 10, stream }),
  });
  return { status: res.status, text: await res.text() };
}

for (const { kind, skip } of storeKinds) {
  describe(`pool failover (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind);
    });
    after(() => world?.close());

    for (const fault of ["503", "429", "401", "502"]) {
      it(`retries on the other credential when one answers ${fault}; charged once`, async () => {
        world.sandbox.reset();
        for (const k of world.poolKeys) world.sandbox.setKeyFault(k, fault);
        world.sandbox.setKeyFault(world.poolKeys[1] as string, null);
        const tenant = await world.createTenant("1");
        const key = await world.createKey(tenant);
        // Two calls: whichever credential the rotation starts with, both succeed.
        for (const stream of [false, true]) {
          const res = await chat(world, key.plaintext, stream);
          assert.equal(res.status, 200, res.text);
        }
        await world.server.settled();
        const served = world.sandbox.calls().filter((c) => c.served);
        assert.equal(served.length, 2);
        assert.ok(served.every((c) => c.key === world.poolKeys[1]));
        const balance = await getBalance(world.server.store.db, tenant);
        assert.equal(balance?.balance, 1_000_000_000n - served.reduce((s, c) => s + c.costNanos, 0n));
        const charges = await world.server.store.db.selectFrom("ledger_entries").selectAll().where("tenant_id", "=", tenant).where("kind", "=", "charge").execute();
        assert.equal(charges.length, 2);
      });
    }

    it("all credentials failing gives 502/503 in OpenRouter's shape, nothing charged, hold released", async () => {
      world.sandbox.reset();
      for (const k of world.poolKeys) world.sandbox.setKeyFault(k, "503");
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant);
      const res = await chat(world, key.plaintext);
      assert.ok(res.status === 502 || res.status === 503, `got ${res.status}`);
      const body = JSON.parse(res.text) as { error: { code: number; message: string } };
      assert.equal(body.error.code, res.status);
      await world.server.settled();
      for (const k of world.poolKeys) assert.ok(!res.text.includes(k));
      const balance = await getBalance(world.server.store.db, tenant);
      assert.deepEqual(balance, { balance: 1_000_000_000n, held: 0n, available: 1_000_000_000n });
      assert.equal(world.sandbox.calls().filter((c) => c.served).length, 0);
      assert.equal((await auditLedger(world.server.store)).ok, true);
      for (const k of world.poolKeys) world.sandbox.setKeyFault(k, null);
    });
  });
}
