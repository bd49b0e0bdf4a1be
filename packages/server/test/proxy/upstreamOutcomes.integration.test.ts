// Failover only when the upstream provably did not run the request (docs/money.md, invariant 4),
// through the real proxy against the sandbox. A request that went out and got no answer — the
// connection reset, or the upstream hung past the timeout — is never sent again: the client gets a
// 502 that says so, the hold stays for the reaper, the tenant is not charged, and reconciliation
// books what the upstream billed for it as unexplained spend (invariant 5). An upstream 429 that no
// credential can absorb reaches the client as 429 with its Retry-After.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { getBalance } from "../../src/ledger/accounts.js";
import { bookedFor } from "../../src/ledger/reconciliation.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

for (const { kind, skip } of storeKinds) {
  describe(`unknown outcomes are never resent, and are reconciled (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      // A short upstream timeout, and orphans expire at once when the upstream has no record.
      world = await startWorld(kind, { server: { upstreamTimeoutMs: 400, orphanRecordGraceMs: 0 } });
    });
    after(async () => world?.close());

    const chat = (key: string, body: Record<string, unknown> = {}) =>
      request(`${world.proxyBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello" }], max_tokens: 20, ...body }),
      }).then(async (res) => ({ status: res.statusCode, headers: res.headers, body: (await res.body.json()) as { error: { code: number; message: string } } }));

    const poolCredentials = () => world.server.store.db.selectFrom("pool_credentials").select(["id", "secret_enc"]).execute();

    /** After reaping and reconciling, each pool credential's books equal what the sandbox billed it (invariant 5). */
    async function booksMatchTheSandbox(): Promise<void> {
      await world.server.settled();
      await world.server.reap();
      const report = await world.server.reconcileUpstream();
      assert.ok(report.every((r) => r.outcome === "booked" || r.outcome === "agreed"), JSON.stringify(report, (_, v) => (typeof v === "bigint" ? String(v) : v)));
      const totals = world.sandbox.totals().byKey;
      for (const credential of await poolCredentials()) {
        const secret = world.server.ctx.secrets.open(credential.secret_enc);
        assert.equal(await bookedFor(world.server.store, credential.id), totals[secret]?.costNanos ?? 0n, `books of ${credential.id}`);
      }
    }

    async function unknownOutcome(fault: string, message: RegExp): Promise<void> {
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant);
      const before = world.sandbox.calls().length;
      for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, fault);
      const answer = await chat(key.plaintext);
      for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, null);
      assert.equal(answer.status, 502);
      assert.match(answer.body.error.message, message);
      const sent = world.sandbox.calls().slice(before);
      assert.equal(sent.length, 1, "sent once, never to a second credential");
      assert.equal(sent[0]?.served, true, "the upstream ran it and billed it");

      // The hold stays until the reaper: the call is not in flight, its outcome unknown.
      await world.server.settled();
      const [pending] = await world.server.store.db.selectFrom("holds").select(["status", "credential_id"]).where("tenant_id", "=", tenant).execute();
      assert.equal(pending?.status, "pending");
      assert.ok(pending?.credential_id, "the credential it went to is recorded");
      await world.server.reap();
      const [hold] = await world.server.store.db.selectFrom("holds").select("status").where("tenant_id", "=", tenant).execute();
      assert.equal(hold?.status, "expired");
      const balance = await getBalance(world.server.store.db, tenant);
      assert.deepEqual([balance?.balance, balance?.held], [1_000_000_000n, 0n], "the tenant is not charged for an answer it never got");
      await booksMatchTheSandbox();
    }

    it("a connection reset after the request went out: 502, not resent; the upstream's bill is reconciled", async () => {
      await unknownOutcome("reset", /did not answer; it may still bill it/);
      const unexplained = await world.server.store.db.selectFrom("ledger_entries").select("amount").where("kind", "=", "unexplained").execute();
      assert.equal(unexplained.length, 1, "booked as unexplained spend");
    });

    it("a hung upstream (no answer within the timeout): 502 at once, never resent after the client has gone", async () => {
      const started = Date.now();
      await unknownOutcome("hang", /did not answer/);
      assert.ok(Date.now() - started < 10_000, "the client was answered at the timeout, not minutes later");
    });
  });

  describe(`upstream rate limits reach the client (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      // Each pool key allows one request a minute: the third call finds both exhausted.
      world = await startWorld(kind, { poolKeys: [{ key: "sk-or-rl-one", rpm: 1 }, { key: "sk-or-rl-two", rpm: 1 }] });
    });
    after(async () => world?.close());

    it("invariant 4: a 429 no credential can absorb is a 429 with the upstream's Retry-After; nothing is charged", async () => {
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant);
      const call = () =>
        request(`${world.proxyBaseUrl}/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${key.plaintext}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }),
        });
      assert.equal((await call()).statusCode, 200);
      assert.equal((await call()).statusCode, 200);
      const limited = await call();
      assert.equal(limited.statusCode, 429);
      const retryAfter = Number(limited.headers["retry-after"]);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${limited.headers["retry-after"]}`);
      const body = (await limited.body.json()) as { error: { code: number; message: string } };
      assert.equal(body.error.code, 429);
      assert.match(body.error.message, /rate limiting/);
      await world.server.settled();
      const served = world.sandbox.calls({ served: true });
      assert.equal(served.length, 2);
      const balance = await getBalance(world.server.store.db, tenant);
      assert.equal(balance?.held, 0n);
      const charged = await world.server.store.db.selectFrom("holds").select("charge").where("tenant_id", "=", tenant).where("status", "=", "posted").execute();
      assert.equal(charged.length, 2, "only the two served calls were charged");
    });
  });
}
