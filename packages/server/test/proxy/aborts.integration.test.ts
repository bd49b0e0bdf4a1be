// Done-when 3 (invariant 3): clients abort 100 streams at random points; the proxy keeps reading
// upstream, so every call is charged exactly what the sandbox billed, and no hold is left.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { getBalance } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

for (const { kind, skip } of storeKinds) {
  describe(`client aborts mid-stream (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind);
      for (const k of world.poolKeys) world.sandbox.setKeyFault(k, "chunk-delay=2, tokens=40");
    });
    after(() => world?.close());

    it("charges each aborted stream what the sandbox billed; no hold left", async () => {
      const tenant = await world.createTenant("10");
      const key = await world.createKey(tenant);
      let seed = 7;
      const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const controller = new AbortController();
          const res = await request(`${world.proxyBaseUrl}/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${key.plaintext}`, "content-type": "application/json" },
            body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: `stream ${i}` }], stream: true }),
            signal: controller.signal,
          });
          assert.equal(res.statusCode, 200);
          const stopAfter = Math.floor(random() * 2000);
          let seen = 0;
          try {
            for await (const chunk of res.body) {
              seen += (chunk as Buffer).length;
              if (seen >= stopAfter) {
                controller.abort();
                break;
              }
            }
          } catch {
            // aborted
          }
        }),
      );
      // The proxy drains each upstream to its end (≈ 40 × 2 ms), then settles.
      const deadline = Date.now() + 20_000;
      let held = -1n;
      while (Date.now() < deadline) {
        await world.server.settled();
        held = (await getBalance(world.server.store.db, tenant))?.held ?? -1n;
        const open = await world.server.store.db.selectFrom("holds").select("request_id").where("status", "=", "pending").execute();
        if (held === 0n && open.length === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(held, 0n, "every hold ended");
      const served = world.sandbox.calls().filter((c) => c.served);
      assert.equal(served.length, 100);
      assert.ok(served.some((c) => c.cancelled) || served.every((c) => !c.cancelled), "sandbox audit is readable");
      const total = served.reduce((s, c) => s + c.costNanos, 0n);
      const balance = await getBalance(world.server.store.db, tenant);
      assert.equal(balance?.balance, 10_000_000_000n - total, "charged exactly what the sandbox billed");
      const calls = await world.server.store.db.selectFrom("calls").select(["estimated", "status"]).execute();
      assert.equal(calls.length, 100);
      assert.ok(calls.every((c) => c.estimated === 0n), "usage was read from upstream, not estimated");
      assert.ok(calls.filter((c) => c.status === "client_aborted").length >= 50, "most calls were aborted by the client");
      assert.equal((await auditLedger(world.server.store)).ok, true);
    });
  });
}
