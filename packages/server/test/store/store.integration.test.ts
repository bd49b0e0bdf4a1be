import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openStore } from "../../src/store/db.js";
import { createTestStoreConfig, storeKinds, type TestStoreConfig } from "../support/stores.js";

for (const { kind, skip } of storeKinds) {
  describe(`store on ${kind}`, { skip }, () => {
    let target: TestStoreConfig;
    before(async () => {
      target = await createTestStoreConfig(kind);
    });
    after(async () => target?.drop());

    it("migrates, round-trips bigints beyond 2^53 exactly, and re-opens idempotently", async () => {
      const store = await openStore(target.config);
      const huge = 2n ** 62n + 7n;
      await store.db.insertInto("tenants").values({ id: "ten_a", name: "A", status: "active", created_at: 1n }).execute();
      await store.db
        .insertInto("balances")
        .values({ tenant_id: "ten_a", balance: huge, held: -3n, credited: 0n, debited: 0n, updated_at: 2n })
        .execute();
      const row = await store.db.selectFrom("balances").selectAll().executeTakeFirstOrThrow();
      assert.equal(row.balance, huge);
      assert.equal(typeof row.held, "bigint");
      assert.equal(row.held, -3n);
      await store.close();

      const again = await openStore(target.config);
      const count = await again.db
        .selectFrom("tenants")
        .select((eb) => eb.fn.countAll<bigint>().as("n"))
        .executeTakeFirstOrThrow();
      assert.equal(count.n, 1n);
      await again.close();
    });

    it("refuses a reused top-up idempotency key", async () => {
      // (A call charged twice is refused by its hold's resolution, not by an index: see
      // test/ledger/ledger.integration.test.ts and migration 004.)
      const store = await openStore(target.config);
      const topup = { kind: "topup" as const, debit_account: "funding", credit_account: "tenant:ten_a", tenant_id: "ten_a", amount: 5n, request_id: null, idempotency_key: "idem-1", memo: null, created_at: 4n };
      await store.db.insertInto("ledger_entries").values(topup).execute();
      await assert.rejects(store.db.insertInto("ledger_entries").values(topup).execute());
      await store.close();
    });
  });
}
