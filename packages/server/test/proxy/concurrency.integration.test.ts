// Done-when 2 (DESIGN §4 invariants 2, 4, 5): 200 concurrent calls with max_tokens against a
// balance that covers about 20: some succeed, the rest get 402, the balance never goes below
// zero, and the charges equal the sandbox's totals to the nano-USD.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getBalance } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const MODEL = "openai/gpt-4o"; // $2.5 / $10 per million
const BODY = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "count to ten" }], max_tokens: 200 });

for (const { kind, skip } of storeKinds) {
  describe(`admission under concurrency (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind);
      // Every call takes a while and writes its full max_tokens, so all 200 are in flight at
      // once and each costs close to its hold.
      for (const k of world.poolKeys) world.sandbox.setKeyFault(k, "latency=400, tokens=200");
    });
    after(() => world?.close());

    it("never overdraws: 402s past the balance, charges == sandbox totals", async (t) => {
      // One hold is at most BODY bytes × prompt price + 200 × completion price ≈ $0.0023.
      const tenant = await world.createTenant("0.045");
      const key = await world.createKey(tenant);
      const statuses = await Promise.all(
        Array.from({ length: 200 }, async () => {
          const res = await fetch(`${world.proxyBaseUrl}/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${key.plaintext}`, "content-type": "application/json" },
            body: BODY,
          });
          const body = (await res.json()) as { error?: { code: number } };
          if (res.status !== 200) assert.equal(body.error?.code, res.status, "errors carry OpenRouter's shape");
          return res.status;
        }),
      );
      const ok = statuses.filter((s) => s === 200).length;
      const refused = statuses.filter((s) => s === 402).length;
      assert.equal(ok + refused, 200, `only 200s and 402s, got ${[...new Set(statuses)].join(",")}`);
      assert.ok(ok >= 10 && ok <= 40, `about 20 admitted, got ${ok}`);

      await world.server.settled();
      const balance = await getBalance(world.server.store.db, tenant);
      const served = world.sandbox.calls().filter((c) => c.served);
      assert.equal(served.length, ok, "every admitted call reached the sandbox once; no refused call did");
      const sandboxTotal = served.reduce((s, c) => s + c.costNanos, 0n);
      assert.equal(balance?.balance, 45_000_000n - sandboxTotal, "charges == sandbox totals, to the nano-USD");
      assert.ok((balance?.balance ?? -1n) >= 0n, "the balance never goes below zero");
      assert.equal(balance?.held, 0n);
      const charges = await world.server.store.db.selectFrom("ledger_entries").select("memo").where("kind", "=", "charge").execute();
      assert.equal(charges.length, ok, "exactly one charge per forwarded call");
      assert.ok(charges.every((c) => c.memo === null), "no overdraft entry");
      assert.equal((await auditLedger(world.server.store)).ok, true);
      const overdraft = (balance?.balance ?? 0n) < 0n ? -(balance?.balance ?? 0n) : 0n;
      t.diagnostic(`admitted ${ok}/200, refused ${refused} with 402; left ${balance?.balance} nano-USD; overdraft ${overdraft} nano-USD`);
    });
  });
}
