// `vendo audit`'s ledger half (docs/money.md, invariants 1 and 2): balances and every operator
// account equal their journal, all accounts sum to zero, held equals the pending holds, a posted
// hold equals its legs, and a hold left pending by a silent instance is a leak.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { insertApiKey } from "../../src/control/routes/keys/insertApiKey.js";
import { openAccount, topUp } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { createLedger, type Ledger } from "../../src/ledger/ledger.js";
import { createLogger } from "../../src/logger.js";
import { newId } from "../../src/security/apiKeys.js";
import { openStore, type Store } from "../../src/store/db.js";
import { createTestStoreConfig, storeKinds, type TestStoreConfig } from "../support/stores.js";

for (const { kind, skip } of storeKinds) {
  describe(`vendo audit, the ledger against itself (${kind})`, { skip }, () => {
    let target: TestStoreConfig;
    let store: Store;
    const now = Date.now();
    before(async () => {
      target = await createTestStoreConfig(kind);
      store = await openStore(target.config);
    });
    after(async () => {
      await store?.close();
      await target?.drop();
    });

    /** A tenant with $1, a key, and one pending hold of 250 nano-USD placed by an instance that beat at `heartbeatAt`. */
    async function tenantWithHold(heartbeatAt: number, expiresAt: number): Promise<{ tenantId: string; keyId: string; ledger: Ledger; requestId: string }> {
      const { db } = store;
      const tenantId = newId("ten");
      await db.insertInto("tenants").values({ id: tenantId, name: tenantId, status: "active", created_at: BigInt(now) }).execute();
      await openAccount(db, tenantId);
      await topUp(db, { tenantId, amount: 1_000_000_000n, idempotencyKey: `audit-${tenantId}` });
      const { row } = await insertApiKey(db, { tenantId, integration: "openrouter", deploymentId: null, name: "a" });
      const instanceId = newId("ins");
      await db.insertInto("instances").values({ id: instanceId, started_at: BigInt(heartbeatAt), heartbeat_at: BigInt(now), epoch: 0n }).execute();
      const ledger = createLedger(store, { instanceId, instanceStaleMs: 3_600_000, logger: createLogger("silent") });
      const requestId = newId("req");
      const admitted = await ledger.admit({ requestId, tenantId, keyId: row.id, amount: 250n, integration: "openrouter", model: null, expiresAt });
      assert.equal(admitted.ok, true);
      await db.updateTable("instances").set({ heartbeat_at: BigInt(heartbeatAt) }).where("id", "=", instanceId).execute();
      return { tenantId, keyId: row.id, ledger, requestId };
    }

    const tenantReport = async (tenantId: string) => (await auditLedger(store, now)).tenants.find((t) => t.tenantId === tenantId);

    it("invariant 1: passes a tenant whose balance equals its journal and whose held amount equals its pending holds", async () => {
      const { tenantId, ledger, requestId } = await tenantWithHold(now, now + 60_000);
      const report = await tenantReport(tenantId);
      assert.equal(report?.ok, true);
      assert.equal(report?.balance, 1_000_000_000n);
      assert.equal(report?.pendingHoldsSum, 250n);
      await ledger.post(requestId, { charge: 200n, upstreamCost: 150n, credentialId: "pc_a", integration: "openrouter" });
      const whole = await auditLedger(store, now);
      assert.equal(whole.ok, true, JSON.stringify(whole, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
      assert.equal(whole.conservation, 0n);
      assert.deepEqual(
        whole.accounts.filter((a) => a.account === "payable:pc_a" || a.account === "revenue:openrouter").map((a) => [a.account, a.credits]),
        [
          ["payable:pc_a", 150n],
          ["revenue:openrouter", 50n],
        ],
      );
    });

    it("invariant 1: fails a balance that moved without a transfer, a held amount without its hold, and an operator account off its journal", async () => {
      const moved = await tenantWithHold(now, now + 60_000);
      await store.db.updateTable("balances").set({ balance: 1_000_000_001n }).where("tenant_id", "=", moved.tenantId).execute();
      assert.equal((await tenantReport(moved.tenantId))?.ok, false);
      const held = await tenantWithHold(now, now + 60_000);
      await store.db.updateTable("balances").set({ held: 251n }).where("tenant_id", "=", held.tenantId).execute();
      assert.equal((await tenantReport(held.tenantId))?.ok, false);
      const report = await auditLedger(store, now);
      assert.equal(report.ok, false);
      assert.notEqual(report.conservation, 0n, "a balance moved alone breaks the sum of all accounts");
      await store.db.updateTable("balances").set({ balance: 1_000_000_000n }).where("tenant_id", "=", moved.tenantId).execute();
      await store.db.updateTable("balances").set({ held: 250n }).where("tenant_id", "=", held.tenantId).execute();

      await store.db.updateTable("accounts").set((eb) => ({ credits: eb("credits", "+", 1n) })).where("id", "=", "funding").execute();
      const off = await auditLedger(store, now);
      assert.equal(off.accounts.find((a) => a.account === "funding")?.ok, false);
      assert.equal(off.ok, false);
      await store.db.updateTable("accounts").set((eb) => ({ credits: eb("credits", "-", 1n) })).where("id", "=", "funding").execute();
      assert.equal((await auditLedger(store, now)).ok, true);
    });

    it("invariant 2: fails a posted hold whose legs do not add up to its charge, and a call charged twice", async () => {
      const a = await tenantWithHold(now, now + 60_000);
      await a.ledger.post(a.requestId, { charge: 120n, upstreamCost: 100n, credentialId: "pc_b", integration: "openrouter" });
      assert.deepEqual((await auditLedger(store, now)).holds, []);
      // Its charge leg changed behind the ledger's back …
      const leg = await store.db.selectFrom("ledger_entries").selectAll().where("request_id", "=", a.requestId).where("kind", "=", "charge").executeTakeFirstOrThrow();
      await store.db.updateTable("ledger_entries").set({ amount: 130n }).where("id", "=", leg.id).execute();
      assert.deepEqual(
        (await auditLedger(store, now)).holds.find((h) => h.requestId === a.requestId),
        { requestId: a.requestId, charge: 120n, legsSum: 150n, duplicateLegs: 0 },
      );
      await store.db.updateTable("ledger_entries").set({ amount: 100n }).where("id", "=", leg.id).execute();
      // … or a second charge of the same call, to another credential (the store's unique index
      // refuses the same leg twice; this one is a second resolution).
      const { id: _id, ...copy } = leg;
      await store.db.insertInto("ledger_entries").values({ ...copy, credit_account: "payable:pc_other" }).execute();
      const report = await auditLedger(store, now);
      assert.deepEqual(report.holds.find((h) => h.requestId === a.requestId), { requestId: a.requestId, charge: 120n, legsSum: 220n, duplicateLegs: 2 });
      assert.equal(report.ok, false);
      await store.db.deleteFrom("ledger_entries").where("request_id", "=", a.requestId).where("credit_account", "=", "payable:pc_other").execute();
    });

    it("invariant 2: fails a hold left pending past its expiry by an instance that is gone", async () => {
      const { tenantId } = await tenantWithHold(now - 3_600_000, now - 1_000);
      const report = await tenantReport(tenantId);
      assert.equal(report?.leakedHolds, 1n);
      assert.equal(report?.ok, false);
    });

    it("passes a hold past its expiry while its instance is alive (a long call still running)", async () => {
      const { tenantId } = await tenantWithHold(now - 1_000, now - 1_000);
      const report = await tenantReport(tenantId);
      assert.equal(report?.leakedHolds, 0n);
      assert.equal(report?.ok, true);
    });
  });
}
