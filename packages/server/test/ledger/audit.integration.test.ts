// `vendo audit` (invariant 1 and the hold timeout): a balance must equal its entries, the held
// amount its open holds, and a hold past its expiry is a leak only once its instance is gone.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openAccount, topUp } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { newId } from "../../src/security/apiKeys.js";
import { openStore, type Store } from "../../src/store/db.js";
import { createTestStoreConfig, storeKinds, type TestStoreConfig } from "../support/stores.js";

for (const { kind, skip } of storeKinds) {
  describe(`vendo audit (${kind})`, { skip }, () => {
    let target: TestStoreConfig;
    let store: Store;
    before(async () => {
      target = await createTestStoreConfig(kind);
      store = await openStore(target.config);
    });
    after(async () => {
      await store?.close();
      await target?.drop();
    });

    const now = Date.now();

    async function tenantWithHold(instanceHeartbeatAt: number, expiresAt: number): Promise<string> {
      const { db } = store;
      const tenantId = newId("ten");
      await db.insertInto("tenants").values({ id: tenantId, name: tenantId, status: "active", created_at: BigInt(now) }).execute();
      await openAccount(db, tenantId);
      await topUp(db, { tenantId, amount: 1_000_000_000n, idempotencyKey: `audit-${tenantId}` });
      const instanceId = newId("ins");
      await db.insertInto("instances").values({ id: instanceId, started_at: BigInt(instanceHeartbeatAt), heartbeat_at: BigInt(instanceHeartbeatAt) }).execute();
      await db
        .insertInto("holds")
        .values({
          request_id: newId("req"),
          tenant_id: tenantId,
          key_id: newId("key"),
          amount: 250n,
          status: "open",
          instance_id: instanceId,
          integration: "openrouter",
          model: "openai/gpt-4o-mini",
          generation_id: null,
          credential_id: null,
          created_at: BigInt(now - 60_000),
          expires_at: BigInt(expiresAt),
          ended_at: null,
        })
        .execute();
      await db.updateTable("balances").set({ held: 250n }).where("tenant_id", "=", tenantId).execute();
      return tenantId;
    }

    const audit = async (tenantId: string) => (await auditLedger(store, now)).tenants.find((t) => t.tenantId === tenantId);

    it("passes a tenant whose balance equals its entries and whose held amount equals its open holds", async () => {
      const tenantId = await tenantWithHold(now, now + 60_000);
      const report = await audit(tenantId);
      assert.equal(report?.ok, true);
      assert.equal(report?.balance, 1_000_000_000n);
      assert.equal(report?.openHoldsSum, 250n);
    });

    it("fails a balance that moved without an entry, and a held amount without its hold", async () => {
      const moved = await tenantWithHold(now, now + 60_000);
      await store.db.updateTable("balances").set({ balance: 1_000_000_001n }).where("tenant_id", "=", moved).execute();
      assert.equal((await audit(moved))?.ok, false);
      const held = await tenantWithHold(now, now + 60_000);
      await store.db.updateTable("balances").set({ held: 251n }).where("tenant_id", "=", held).execute();
      assert.equal((await audit(held))?.ok, false);
      assert.equal((await auditLedger(store, now)).ok, false);
    });

    it("fails a hold left past its expiry by an instance that is gone", async () => {
      const tenantId = await tenantWithHold(now - 60_000, now - 1_000);
      const report = await audit(tenantId);
      assert.equal(report?.expiredHolds, 1n);
      assert.equal(report?.ok, false);
    });

    it("passes a hold past its expiry while its instance is alive (a long call still running)", async () => {
      const tenantId = await tenantWithHold(now - 1_000, now - 1_000);
      const report = await audit(tenantId);
      assert.equal(report?.expiredHolds, 0n);
      assert.equal(report?.ok, true);
    });
  });
}
