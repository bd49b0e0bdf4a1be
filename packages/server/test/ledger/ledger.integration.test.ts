// The ledger module on its own, on both stores (docs/money.md): holds as pending transfers resolved
// exactly once (invariant 2), charges posted as double-entry legs (invariant 1), late posts and
// overages kept and visible, fencing of a silent instance, and (on SQLite, where the ledger runs its
// own prepared statements on the shared connection) no batch inside another writer's transaction.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { insertApiKey } from "../../src/control/routes/keys/insertApiKey.js";
import { openAccount, topUp } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { createLedger, type Ledger, type Posting } from "../../src/ledger/ledger.js";
import { createLogger } from "../../src/logger.js";
import { newId, newTimeOrderedId } from "../../src/security/apiKeys.js";
import { openStore, type Store } from "../../src/store/db.js";
import { createTestStoreConfig, storeKinds, type TestStoreConfig } from "../support/stores.js";

for (const { kind, skip } of storeKinds) {
  describe(`ledger module (${kind})`, { skip }, () => {
    let target: TestStoreConfig;
    let store: Store;
    let ledger: Ledger;
    const instanceId = newId("ins");
    before(async () => {
      target = await createTestStoreConfig(kind);
      store = await openStore(target.config);
      await store.db.insertInto("instances").values({ id: instanceId, started_at: 0n, heartbeat_at: BigInt(Date.now()), epoch: 0n }).execute();
      ledger = createLedger(store, { instanceId, instanceStaleMs: 60_000, logger: createLogger("silent") });
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

    const posting = (charge: bigint, upstreamCost = charge, credentialId: string | null = "pc_test"): Posting => ({ charge, upstreamCost, credentialId, integration: "openrouter" });

    async function state(tenantId: string, keyId: string) {
      const balance = await store.db.selectFrom("balances").select(["balance", "held", "credited", "debited"]).where("tenant_id", "=", tenantId).executeTakeFirstOrThrow();
      const key = await store.db.selectFrom("key_counters").select(["usage", "held"]).where("key_id", "=", keyId).executeTakeFirstOrThrow();
      const legs = await store.db
        .selectFrom("ledger_entries")
        .select(["kind", "debit_account", "credit_account", "amount", "request_id"])
        .where("tenant_id", "=", tenantId)
        .where("kind", "!=", "topup")
        .orderBy("id")
        .execute();
      return { ...balance, keyUsage: key.usage, keyHeld: key.held, legs };
    }

    async function audited(tenantId: string): Promise<void> {
      const report = await auditLedger(store);
      assert.ok(report.tenants.find((t) => t.tenantId === tenantId)?.ok, "invariant 1: the tenant's balance is its journal");
      assert.equal(report.conservation, 0n, "invariant 1: all accounts sum to zero");
      assert.deepEqual(report.holds, [], "invariant 2: every posted hold equals its legs, none posted twice");
      assert.deepEqual(report.keys, [], "invariant 2: key counters equal their holds");
    }

    it("invariant 2: holds, then posts once and voids once, to the nano-USD", async () => {
      const a = await account(1_000_000n);
      const first = admitOp(a, 400_000n);
      const second = admitOp(a, 300_000n);
      assert.deepEqual(await ledger.admit(first), { ok: true, amount: 400_000n });
      assert.deepEqual(await ledger.admit(second), { ok: true, amount: 300_000n });
      let s = await state(a.tenantId, a.keyId);
      assert.equal(s.held, 700_000n);
      assert.equal(s.keyHeld, 700_000n);

      assert.deepEqual(await ledger.post(first.requestId, posting(123_457n, 100_000n)), { outcome: "posted", overage: 0n });
      assert.deepEqual(await ledger.post(first.requestId, posting(999n)), { outcome: "duplicate", overage: 0n }, "a second post changes nothing");
      assert.deepEqual(await ledger.void(first.requestId), { outcome: "duplicate", overage: 0n }, "nor does a void after it");
      assert.deepEqual(await ledger.void(second.requestId), { outcome: "voided", overage: 0n });
      assert.deepEqual(await ledger.post(second.requestId, posting(5n)), { outcome: "duplicate", overage: 0n }, "a post after a void changes nothing");
      assert.deepEqual(await ledger.void("req_missing"), { outcome: "missing", overage: 0n });

      s = await state(a.tenantId, a.keyId);
      assert.equal(s.balance, 1_000_000n - 123_457n);
      assert.equal(s.debited, 123_457n);
      assert.equal(s.credited, 1_000_000n);
      assert.equal(s.held, 0n);
      assert.equal(s.keyHeld, 0n);
      assert.equal(s.keyUsage, 123_457n);
      // invariant 1: the charge is two transfers out of the tenant, upstream cost and markup.
      assert.deepEqual(s.legs, [
        { kind: "charge", debit_account: `tenant:${a.tenantId}`, credit_account: "payable:pc_test", amount: 100_000n, request_id: first.requestId },
        { kind: "markup", debit_account: `tenant:${a.tenantId}`, credit_account: "revenue:openrouter", amount: 23_457n, request_id: first.requestId },
      ]);
      const holds = await store.db.selectFrom("holds").select(["request_id", "status", "charge", "upstream_cost"]).where("tenant_id", "=", a.tenantId).execute();
      const byId = new Map(holds.map((h) => [h.request_id, [h.status, h.charge, h.upstream_cost]]));
      assert.deepEqual(byId.get(first.requestId), ["posted", 123_457n, 100_000n]);
      assert.deepEqual(byId.get(second.requestId), ["voided", 0n, 0n]);
      await audited(a.tenantId);
    });

    it("invariant 2: decides a batch in order: admits up to the balance, one end per hold even when replayed in the same batch", async () => {
      const a = await account(1_000n);
      const ops = Array.from({ length: 6 }, () => admitOp(a, 300n));
      // All submitted in one tick: one batch, one transaction.
      const admitted = await Promise.all(ops.map((op) => ledger.admit(op)));
      assert.deepEqual(
        admitted.map((r) => r.ok),
        [true, true, true, false, false, false],
      );
      assert.deepEqual(admitted[3], { ok: false, reason: "insufficient_balance", needed: 300n, available: 100n });
      const ends = await Promise.all([
        ledger.post(ops[0]!.requestId, posting(250n)),
        ledger.post(ops[0]!.requestId, posting(250n)),
        ledger.void(ops[1]!.requestId),
        ledger.post(ops[2]!.requestId, posting(400n, 320n)),
      ]);
      assert.deepEqual(ends, [
        { outcome: "posted", overage: 0n },
        { outcome: "duplicate", overage: 0n },
        { outcome: "voided", overage: 0n },
        { outcome: "posted", overage: 100n },
      ]);
      const s = await state(a.tenantId, a.keyId);
      assert.equal(s.balance, 1_000n - 250n - 400n);
      assert.equal(s.held, 0n);
      // An overage posts as its own visible transfers: within the hold 300 (cost first), beyond it
      // 20 of upstream cost and 80 of markup.
      const third = s.legs.filter((l) => l.request_id === ops[2]!.requestId).map((l) => [l.kind, l.credit_account, l.amount]);
      assert.deepEqual(third, [
        ["charge", "payable:pc_test", 300n],
        ["overage", "payable:pc_test", 20n],
        ["overage", "revenue:openrouter", 80n],
      ]);
      await audited(a.tenantId);
    });

    it("invariant 2: refuses past the key's limit and for an unknown account, holding nothing, and says what is available", async () => {
      const a = await account(1_000_000n, 500n);
      assert.deepEqual(await ledger.admit(admitOp(a, 400n)), { ok: true, amount: 400n });
      assert.deepEqual(await ledger.admit(admitOp(a, 200n)), { ok: false, reason: "key_limit", needed: 200n, available: 100n });
      assert.equal((await ledger.admit({ ...admitOp(a, 1n), keyId: "key_missing" })).ok, false);
      const s = await state(a.tenantId, a.keyId);
      assert.equal(s.held, 400n);
      assert.equal(s.keyHeld, 400n);
    });

    it("fit_to_balance: admits the largest completion bound that fits, and refuses when not even one token does", async () => {
      const a = await account(1_000n);
      // hold(t) = ceil(100 + 7 t): 1,000 nano-USD fits t = 128 (996), not 129 (1,003).
      const fit = { fixed: { numerator: 100n, scale: 9 }, perToken: { numerator: 7n, scale: 9 }, markupBps: 0n, minTokens: 1, maxTokens: 4096 };
      const op = { ...admitOp(a, 100n + 7n * 4096n), fit };
      assert.deepEqual(await ledger.admit(op), { ok: true, amount: 996n, fittedTokens: 128 });
      const none = { ...admitOp(a, 100n + 7n * 4096n), fit };
      assert.deepEqual(await ledger.admit(none), { ok: false, reason: "insufficient_balance", needed: 28_772n, available: 4n });
    });

    it("invariant 2: a post after its hold expired is a late charge, posted once and marked; a void after expiry changes nothing", async () => {
      const a = await account(10_000n);
      const late = admitOp(a, 1_000n);
      const gone = admitOp(a, 1_000n);
      await ledger.admit(late);
      await ledger.admit(gone);
      assert.deepEqual(await ledger.expire(late.requestId), { outcome: "expired", overage: 0n });
      assert.deepEqual(await ledger.expire(gone.requestId), { outcome: "expired", overage: 0n });
      let s = await state(a.tenantId, a.keyId);
      assert.equal(s.held, 0n, "an expired hold's money is available again");
      assert.deepEqual(await ledger.post(late.requestId, posting(700n)), { outcome: "posted_late", overage: 0n });
      assert.deepEqual(await ledger.post(late.requestId, posting(700n)), { outcome: "duplicate", overage: 0n }, "and only once");
      assert.deepEqual(await ledger.void(gone.requestId), { outcome: "duplicate", overage: 0n });
      s = await state(a.tenantId, a.keyId);
      assert.equal(s.balance, 10_000n - 700n);
      assert.equal(s.held, 0n, "a late post does not release money twice");
      const hold = await store.db.selectFrom("holds").select(["status", "late"]).where("request_id", "=", late.requestId).executeTakeFirstOrThrow();
      assert.deepEqual(hold, { status: "posted", late: 1n });
      await audited(a.tenantId);
    });

    it("records a running call's credential and generation, merges a note into its hold's insert, and skips a call that has ended", async () => {
      const a = await account(1_000n);
      const running = admitOp(a, 10n);
      const ended = admitOp(a, 10n);
      const together = admitOp(a, 10n);
      await ledger.admit(running);
      await ledger.admit(ended);
      await ledger.post(ended.requestId, posting(1n));
      ledger.note(running.requestId, null, "cred_1");
      ledger.note(running.requestId, "gen-running", "cred_1");
      ledger.note(ended.requestId, "gen-ended", "cred_1");
      const admitted = ledger.admit(together); // the note below rides this admission's batch
      ledger.note(together.requestId, "gen-together", "cred_2");
      await admitted;
      await ledger.flush();
      const holds = await store.db
        .selectFrom("holds")
        .select(["request_id", "generation_id", "credential_id"])
        .where("request_id", "in", [running.requestId, ended.requestId, together.requestId])
        .execute();
      const byId = new Map(holds.map((h) => [h.request_id, h]));
      assert.deepEqual(byId.get(running.requestId), { request_id: running.requestId, generation_id: "gen-running", credential_id: "cred_1" });
      assert.deepEqual(byId.get(together.requestId), { request_id: together.requestId, generation_id: "gen-together", credential_id: "cred_2" });
      assert.equal(byId.get(ended.requestId)?.generation_id, null);
    });

    it("fencing: holds carry the instance's epoch as its row says; a bumped epoch is adopted at the next admission", async () => {
      const a = await account(1_000n);
      const before = admitOp(a, 10n);
      await ledger.admit(before);
      // A reaper fenced this instance while it was silent.
      await store.db.updateTable("instances").set({ epoch: 3n }).where("id", "=", instanceId).execute();
      const afterFence = admitOp(a, 10n);
      await ledger.admit(afterFence);
      const holds = await store.db.selectFrom("holds").select(["request_id", "epoch", "instance_id"]).where("request_id", "in", [before.requestId, afterFence.requestId]).execute();
      const epochs = new Map(holds.map((h) => [h.request_id, h.epoch]));
      assert.equal(epochs.get(before.requestId), 0n);
      assert.equal(epochs.get(afterFence.requestId), 3n);
    });

    it("stores text exactly, quotes, commas, braces, backslashes and NULL-looking values included", async () => {
      const a = await account(1_000n);
      const model = `we"ird,{mo}del\\'; drop table holds; -- NULL`;
      const op = { ...admitOp(a, 10n), model };
      await ledger.admit(op);
      ledger.note(op.requestId, "NULL", `cr"ed,{x}`);
      await ledger.flush();
      const hold = await store.db.selectFrom("holds").select(["model", "generation_id", "credential_id"]).where("request_id", "=", op.requestId).executeTakeFirstOrThrow();
      assert.deepEqual(hold, { model, generation_id: "NULL", credential_id: `cr"ed,{x}` });
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
      assert.deepEqual(await admitted, { ok: true, amount: 100n });
      const tenant = await store.db.selectFrom("tenants").select("name").where("id", "=", a.tenantId).executeTakeFirstOrThrow();
      assert.notEqual(tenant.name, "renamed", "the other transaction rolled back");
      const hold = await store.db.selectFrom("holds").select(["amount", "status"]).where("request_id", "=", op.requestId).executeTakeFirst();
      assert.deepEqual(hold, { amount: 100n, status: "pending" }, "the hold committed on its own");
      await ledger.void(op.requestId);
      await audited(a.tenantId);
    });
  });
}
