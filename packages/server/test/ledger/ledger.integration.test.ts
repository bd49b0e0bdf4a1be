// The ledger module on its own, on both stores: holds, charges and releases in exact nano-USD,
// idempotent ends, refusals, and (on SQLite, where the ledger runs its own prepared statements on
// the shared connection) no batch ever lands inside another writer's transaction.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { insertApiKey } from "../../src/control/routes/keys/insertApiKey.js";
import { openAccount, topUp } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { createLedger, type CallRecord, type Ledger } from "../../src/ledger/ledger.js";
import { createLogger } from "../../src/logger.js";
import { newId, newTimeOrderedId } from "../../src/security/apiKeys.js";
import { openStore, type Store } from "../../src/store/db.js";
import { createTestStoreConfig, storeKinds, type TestStoreConfig } from "../support/stores.js";

for (const { kind, skip } of storeKinds) {
  describe(`ledger module (${kind})`, { skip }, () => {
    let target: TestStoreConfig;
    let store: Store;
    let ledger: Ledger;
    before(async () => {
      target = await createTestStoreConfig(kind);
      store = await openStore(target.config);
      ledger = createLedger(store, newId("ins"), createLogger("silent"));
    });
    after(async () => {
      await ledger?.close();
      await store?.close();
      await target?.drop();
    });

    async function account(balance: bigint, limit: bigint | null = null): Promise<{ tenantId: string; keyId: string }> {
      const { db } = store;
      const now = BigInt(Date.now());
      const tenantId = newId("ten");
      await db.insertInto("tenants").values({ id: tenantId, name: tenantId, status: "active", created_at: now }).execute();
      await openAccount(db, tenantId);
      if (balance > 0n) await topUp(db, { tenantId, amount: balance, idempotencyKey: `t-${tenantId}` });
      const { row } = await insertApiKey(db, { tenantId, integration: "openrouter", deploymentId: null, name: "k", limitAmount: limit });
      return { tenantId, keyId: row.id };
    }

    const admitOp = (a: { tenantId: string; keyId: string }, amount: bigint) => ({
      requestId: newTimeOrderedId("req"),
      tenantId: a.tenantId,
      keyId: a.keyId,
      amount,
      integration: "openrouter",
      model: "openai/gpt-4o-mini",
      expiresAt: Date.now() + 60_000,
    });

    const call = (charge: bigint): CallRecord => ({
      deployment_id: null,
      integration: "openrouter",
      path: "/v1/chat/completions",
      model: "openai/gpt-4o-mini",
      generation_id: `gen-${newId("g")}`,
      prompt_tokens: 10n,
      completion_tokens: 20n,
      upstream_cost: charge,
      charge,
      estimated: 0n,
      streamed: 0n,
      status: "ok",
      http_status: 200n,
      latency_ms: 3n,
      created_at: BigInt(Date.now()),
    });

    async function state(tenantId: string, keyId: string) {
      const balance = await store.db.selectFrom("balances").select(["balance", "held"]).where("tenant_id", "=", tenantId).executeTakeFirstOrThrow();
      const key = await store.db.selectFrom("api_keys").select(["usage", "held"]).where("id", "=", keyId).executeTakeFirstOrThrow();
      const charges = await store.db.selectFrom("ledger_entries").select(["amount", "request_id"]).where("tenant_id", "=", tenantId).where("kind", "=", "charge").execute();
      const calls = await store.db.selectFrom("calls").select(["request_id", "charge", "status"]).where("tenant_id", "=", tenantId).execute();
      return { balance: balance.balance, held: balance.held, keyUsage: key.usage, keyHeld: key.held, charges, calls };
    }

    it("holds, then charges once and releases once, to the nano-USD", async () => {
      const a = await account(1_000_000n);
      const first = admitOp(a, 400_000n);
      const second = admitOp(a, 300_000n);
      assert.deepEqual(await ledger.admit(first), { ok: true });
      assert.deepEqual(await ledger.admit(second), { ok: true });
      let s = await state(a.tenantId, a.keyId);
      assert.equal(s.held, 700_000n);
      assert.equal(s.keyHeld, 700_000n);

      assert.deepEqual(await ledger.settle(first.requestId, call(123_457n)), { ended: true, overdraft: 0n });
      assert.deepEqual(await ledger.settle(first.requestId, call(999n)), { ended: false, overdraft: 0n }, "a second settle is a no-op");
      assert.deepEqual(await ledger.release(first.requestId, null), { ended: false, overdraft: 0n }, "so is a release after it");
      assert.deepEqual(await ledger.release(second.requestId, { ...call(0n), status: "upstream_error", http_status: 503n }), { ended: true, overdraft: 0n });
      assert.deepEqual(await ledger.settle(second.requestId, call(5n)), { ended: false, overdraft: 0n }, "a settle after a release is a no-op");

      s = await state(a.tenantId, a.keyId);
      assert.equal(s.balance, 1_000_000n - 123_457n);
      assert.equal(s.held, 0n);
      assert.equal(s.keyHeld, 0n);
      assert.equal(s.keyUsage, 123_457n);
      assert.deepEqual(s.charges, [{ amount: -123_457n, request_id: first.requestId }]);
      assert.deepEqual(
        s.calls.map((c) => [c.request_id, c.charge, c.status]).sort(),
        [
          [first.requestId, 123_457n, "ok"],
          [second.requestId, 0n, "upstream_error"],
        ].sort(),
      );
      const open = await store.db.selectFrom("holds").select("request_id").where("tenant_id", "=", a.tenantId).where("status", "=", "open").execute();
      assert.deepEqual(open, []);
    });

    it("decides a batch in order: admits up to the balance, one end per hold even when replayed in the same batch", async () => {
      const a = await account(1_000n);
      const ops = Array.from({ length: 6 }, () => admitOp(a, 300n));
      // All submitted in one tick: one batch, one transaction.
      const admitted = await Promise.all(ops.map((op) => ledger.admit(op)));
      assert.deepEqual(
        admitted.map((r) => r.ok),
        [true, true, true, false, false, false],
      );
      assert.deepEqual(admitted[3], { ok: false, reason: "insufficient_balance" });
      const ends = await Promise.all([
        ledger.settle(ops[0]!.requestId, call(250n)),
        ledger.settle(ops[0]!.requestId, call(250n)),
        ledger.release(ops[1]!.requestId, null),
        ledger.settle(ops[2]!.requestId, call(400n)),
      ]);
      assert.deepEqual(ends, [
        { ended: true, overdraft: 0n },
        { ended: false, overdraft: 0n },
        { ended: true, overdraft: 0n },
        { ended: true, overdraft: 100n },
      ]);
      const s = await state(a.tenantId, a.keyId);
      assert.equal(s.balance, 1_000n - 250n - 400n);
      assert.equal(s.held, 0n);
      assert.equal(s.charges.length, 2);
      const memo = await store.db.selectFrom("ledger_entries").select("memo").where("request_id", "=", ops[2]!.requestId).executeTakeFirstOrThrow();
      assert.match(memo.memo ?? "", /overdraft: charge exceeded hold by 100 nano-USD/);
    });

    it("refuses past the key's limit and for an unknown account, holding nothing", async () => {
      const a = await account(1_000_000n, 500n);
      assert.deepEqual(await ledger.admit(admitOp(a, 400n)), { ok: true });
      assert.deepEqual(await ledger.admit(admitOp(a, 200n)), { ok: false, reason: "key_limit" });
      assert.deepEqual(await ledger.admit({ ...admitOp(a, 1n), keyId: "key_missing" }), { ok: false, reason: "unknown_account" });
      const s = await state(a.tenantId, a.keyId);
      assert.equal(s.held, 400n);
      assert.equal(s.keyHeld, 400n);
    });

    it("remembers a running call's generation for the reconciler, and not once the call has ended", async () => {
      const a = await account(1_000n);
      const running = admitOp(a, 10n);
      const ended = admitOp(a, 10n);
      await ledger.admit(running);
      await ledger.admit(ended);
      await ledger.settle(ended.requestId, call(1n));
      ledger.noteGeneration(running.requestId, "gen-running", "cred_1");
      ledger.noteGeneration(ended.requestId, "gen-ended", "cred_1");
      await new Promise((r) => setTimeout(r, 60)); // notes are written a moment later, off the hot path
      await ledger.flush();
      const holds = await store.db
        .selectFrom("holds")
        .select(["request_id", "generation_id", "credential_id"])
        .where("request_id", "in", [running.requestId, ended.requestId])
        .execute();
      const byId = new Map(holds.map((h) => [h.request_id, h]));
      assert.deepEqual(byId.get(running.requestId), { request_id: running.requestId, generation_id: "gen-running", credential_id: "cred_1" });
      assert.equal(byId.get(ended.requestId)?.generation_id, null);
    });

    it("stores text exactly, quotes, commas, braces, backslashes and NULL-looking values included", async () => {
      const a = await account(1_000n);
      const model = `we"ird,{mo}del\\'; drop table calls; -- NULL`;
      const op = { ...admitOp(a, 10n), model };
      await ledger.admit(op);
      await ledger.settle(op.requestId, { ...call(1n), model, generation_id: "NULL", deployment_id: null });
      const hold = await store.db.selectFrom("holds").select("model").where("request_id", "=", op.requestId).executeTakeFirstOrThrow();
      const row = await store.db.selectFrom("calls").select(["model", "generation_id", "deployment_id"]).where("request_id", "=", op.requestId).executeTakeFirstOrThrow();
      assert.equal(hold.model, model);
      assert.deepEqual(row, { model, generation_id: "NULL", deployment_id: null });
    });

    it("never lands inside another writer's transaction: it waits, and survives that transaction's rollback", async () => {
      const a = await account(1_000n);
      const op = admitOp(a, 100n);
      let admitted: Promise<unknown> | null = null;
      let admittedEarly = false;
      await assert.rejects(
        store.db.transaction().execute(async (tx) => {
          await tx.updateTable("tenants").set({ name: "renamed" }).where("id", "=", a.tenantId).execute();
          admitted = ledger.admit(op).then((r) => {
            admittedEarly = true;
            return r;
          });
          await new Promise((r) => setTimeout(r, 50));
          // On SQLite the batch must wait for this transaction to end; on PostgreSQL it commits
          // on its own connection. Either way it is not part of this transaction.
          if (kind === "sqlite") assert.equal(admittedEarly, false, "the ledger batch ran inside another transaction");
          throw new Error("roll back");
        }),
        /roll back/,
      );
      assert.deepEqual(await admitted, { ok: true });
      const tenant = await store.db.selectFrom("tenants").select("name").where("id", "=", a.tenantId).executeTakeFirstOrThrow();
      assert.notEqual(tenant.name, "renamed", "the other transaction rolled back");
      const hold = await store.db.selectFrom("holds").select(["amount", "status"]).where("request_id", "=", op.requestId).executeTakeFirst();
      assert.deepEqual(hold, { amount: 100n, status: "open" }, "the hold committed on its own");
      await ledger.release(op.requestId, null);
      const report = await auditLedger(store);
      assert.ok(report.tenants.find((t) => t.tenantId === a.tenantId)?.ok, "the account reconciles");
    });
  });
}
