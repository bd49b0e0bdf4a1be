import assert from "node:assert/strict";
import { it } from "node:test";
import { endpoints } from "../../src/control/contract/index.js";
import { credit, describeOnStores, errorOf } from "./support/controlHarness.js";

describeOnStores("control API: credits, adjustments, balance and ledger", (h) => {
  it("credits once per Idempotency-Key: the replay returns the first entry and moves nothing", async () => {
    const t = await h().tenant("credited");
    const first = await credit(h(), t.id, "10.50", "topup-1");
    assert.equal(first.status, 201);
    const result = endpoints.addCredits.response.parse(first.body);
    assert.equal(result.created, true);
    assert.equal(result.entry.amount, "10.5");
    assert.deepEqual(result.balance, { balance: "10.5", held: "0", available: "10.5" });

    const replay = await credit(h(), t.id, "10.50", "topup-1");
    assert.equal(replay.status, 200);
    assert.equal(replay.body.created, false);
    assert.equal(replay.body.entry.id, result.entry.id);
    assert.equal(replay.body.balance.balance, "10.5");

    const entries = await h().server.store.db.selectFrom("ledger_entries").selectAll().where("tenant_id", "=", t.id).execute();
    assert.equal(entries.length, 1);
  });

  it("refuses the same Idempotency-Key with another amount (409) and credits nothing", async () => {
    const t = await h().tenant("conflict");
    await credit(h(), t.id, "1", "same-key");
    const res = await credit(h(), t.id, "2", "same-key");
    assert.equal(res.status, 409);
    assert.match(errorOf(res).message, /Idempotency-Key/);
    const balance = await h().call("GET", `/api/v1/tenants/${t.id}/balance`);
    assert.equal(balance.body.balance, "1");
  });

  it("credits once when the same key arrives concurrently", async () => {
    // Several rounds on warm store connections, so the top-ups really run side by side (on
    // PostgreSQL they race on the unique index; the loser must answer as a replay, not fail).
    for (let round = 0; round < 4; round++) {
      const t = await h().tenant(`racy-${round}`);
      await Promise.all(Array.from({ length: 10 }, () => h().call("GET", `/api/v1/tenants/${t.id}/balance`)));
      const results = await Promise.all(Array.from({ length: 10 }, () => credit(h(), t.id, "3", "race-key")));
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 200, 201], `round ${round}`);
      assert.equal(new Set(results.map((r) => r.body.entry.id)).size, 1);
      const balance = await h().call("GET", `/api/v1/tenants/${t.id}/balance`);
      assert.equal(balance.body.balance, "3");
    }
  });

  it("keeps amounts exact to the nano-USD and refuses floats, negatives and a tenth decimal", async () => {
    const t = await h().tenant("exact");
    const ok = await credit(h(), t.id, "0.000000001");
    assert.equal(ok.body.entry.amount, "0.000000001");
    const big = await credit(h(), t.id, "123456789.123456789");
    assert.equal(big.body.balance.balance, "123456789.12345679");

    for (const amount of ["1.0000000001", "-1", "0", "abc", 5, "1000000001"]) {
      const res = await h().call("POST", `/api/v1/tenants/${t.id}/credits`, { body: { amount }, headers: { "idempotency-key": `bad-${amount}` } });
      assert.equal(res.status, 400, `amount ${amount}`);
      assert.match(errorOf(res).message, /body\.amount/);
    }
    const noKey = await h().call("POST", `/api/v1/tenants/${t.id}/credits`, { body: { amount: "1" } });
    assert.equal(noKey.status, 400);
    assert.match(errorOf(noKey).message, /Idempotency-Key/);
    assert.equal(errorOf(await credit(h(), "ten_missing", "1")).code, 404);
  });

  it("records signed adjustments as ledger entries", async () => {
    const t = await h().tenant("adjusted");
    await credit(h(), t.id, "5");
    const res = await h().call("POST", `/api/v1/tenants/${t.id}/adjustments`, { body: { amount: "-1.25", memo: "refund reversal" } });
    assert.equal(res.status, 201);
    assert.equal(res.body.entry.kind, "adjustment");
    assert.equal(res.body.entry.amount, "-1.25");
    assert.equal(res.body.balance.balance, "3.75");
    const noMemo = await h().call("POST", `/api/v1/tenants/${t.id}/adjustments`, { body: { amount: "1" } });
    assert.match(errorOf(noMemo).message, /body\.memo/);
    const zero = await h().call("POST", `/api/v1/tenants/${t.id}/adjustments`, { body: { amount: "0", memo: "x" } });
    assert.match(errorOf(zero).message, /body\.amount/);
  });

  it("shows balance, held and available to the operator and to the tenant's own key", async () => {
    const t = await h().tenant("balanced");
    await credit(h(), t.id, "2");
    await h().server.store.db.updateTable("balances").set({ held: 500_000_000n }).where("tenant_id", "=", t.id).execute();
    for (const as of [undefined, t.key]) {
      const res = await h().call("GET", `/api/v1/tenants/${t.id}/balance`, as ? { as } : {});
      assert.deepEqual(res.body, { tenant_id: t.id, balance: "2", held: "0.5", available: "1.5" });
    }
  });

  it("pages ledger entries newest first with an id cursor", async () => {
    const t = await h().tenant("paged");
    for (let i = 1; i <= 5; i++) await credit(h(), t.id, String(i), `page-${i}`);
    const first = await h().call("GET", `/api/v1/tenants/${t.id}/ledger?limit=2`, { as: t.key });
    assert.equal(first.status, 200);
    const page1 = endpoints.listLedgerEntries.response.parse(first.body);
    assert.deepEqual(page1.data.map((e) => e.amount), ["5", "4"]);
    assert.ok(page1.next_cursor);
    const second = await h().call("GET", `/api/v1/tenants/${t.id}/ledger?limit=2&cursor=${page1.next_cursor}`, { as: t.key });
    assert.deepEqual(second.body.data.map((e: { amount: string }) => e.amount), ["3", "2"]);
    const third = await h().call("GET", `/api/v1/tenants/${t.id}/ledger?limit=2&cursor=${second.body.next_cursor}`, { as: t.key });
    assert.deepEqual(third.body.data.map((e: { amount: string }) => e.amount), ["1"]);
    assert.equal(third.body.next_cursor, null);

    assert.match(errorOf(await h().call("GET", `/api/v1/tenants/${t.id}/ledger?limit=0`)).message, /query\.limit/);
    assert.match(errorOf(await h().call("GET", `/api/v1/tenants/${t.id}/ledger?cursor=abc`)).message, /query\.cursor/);
  });
});
