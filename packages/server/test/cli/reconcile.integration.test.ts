// `vendo audit` and `vendo reconcile` against the upstream's own record (docs/money.md, invariant 5),
// through the real CLI: a ledger consistent with itself but disagreeing with the upstream (someone
// spent on a pool key behind Vendo's back) fails the audit; reconcile books the difference as
// unexplained spend and reports it per credential and per day, after which the audit passes; an
// upstream that says it billed less than the books (cannot be explained) fails both.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { formatUsd } from "../../src/ledger/money.js";
import { postgresUrl, storeKinds } from "../support/stores.js";
import { waitFor } from "../support/waitFor.js";
import { startWorld, TEST_SECRET_KEY, type World } from "../support/world.js";
import { cliEnv, runVendo } from "./support/runVendo.js";

for (const { kind, skip } of storeKinds) {
  describe(`vendo audit and vendo reconcile against the upstream (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind, { markupBps: 500n });
    });
    after(async () => world?.close());

    const vendo = (args: string[]) => {
      const { config } = world.server.ctx;
      const env = { VENDO_SECRET_KEY: TEST_SECRET_KEY, VENDO_UPSTREAM_OPENROUTER_URL: `${world.sandbox.url}/api` };
      return kind === "sqlite"
        ? runVendo([...args, "--sqlite-path", config.sqlitePath], cliEnv(env))
        : runVendo(args, cliEnv({ ...env, DATABASE_URL: `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${config.pgSchema}`)}` }));
    };

    const chat = (key: string) =>
      request(`${world.proxyBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "qwen/qwen3-8b", messages: [{ role: "user", content: "reconcile me" }], max_tokens: 30 }),
      }).then((res) => res.body.text());

    it("invariant 5: agrees after calls through Vendo; fails on spend behind its back; reconcile books it and the audit passes again", async () => {
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant);
      for (let i = 0; i < 3; i++) await chat(key.plaintext);
      await world.server.settled();

      const agreed = await vendo(["audit", "--json"]);
      assert.equal(agreed.code, 0, agreed.stderr);
      const report = JSON.parse(agreed.stdout) as { upstream: Array<{ outcome: string; drift: string }> };
      assert.ok(report.upstream.length === world.poolKeys.length && report.upstream.every((u) => u.outcome === "agreed" && u.drift === "0"));

      // Someone uses the first pool key directly: the upstream bills it, no call explains it.
      const behind = await request(`${world.sandbox.baseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${world.poolKeys[0]}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o", messages: [{ role: "user", content: "not through vendo" }], max_tokens: 50 }),
      });
      assert.equal(behind.statusCode, 200);
      await behind.body.text();
      const spentBehind = world.sandbox.calls({ served: true }).at(-1)?.costNanos ?? 0n;
      assert.ok(spentBehind > 0n);

      // The ledger is consistent with itself, and disagrees with the upstream: the audit fails.
      const disagreed = await vendo(["audit"]);
      assert.equal(disagreed.code, 1, disagreed.stdout);
      assert.match(disagreed.stderr, /pool credential pc_\w+: drift \(upstream [\d.]+, books [\d.]+\)/);

      const reconciled = await vendo(["reconcile", "--json"]);
      assert.equal(reconciled.code, 0, reconciled.stderr);
      const out = JSON.parse(reconciled.stdout) as {
        credentials: Array<{ outcome: string; booked_unexplained: string }>;
        days: Array<{ day: string; booked_unexplained: string }>;
      };
      const booked = out.credentials.filter((c) => c.outcome === "booked");
      assert.equal(booked.length, 1);
      assert.equal(booked[0]?.booked_unexplained, formatUsd(spentBehind), "the drift booked is exactly what was spent behind Vendo's back");
      const today = new Date().toISOString().slice(0, 10);
      assert.ok(out.days.some((d) => d.day === today && d.booked_unexplained === formatUsd(spentBehind)), "reported for today");

      const again = await vendo(["audit"]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /Ledger audit passed/);
    });

    it("invariant 5: an upstream that billed less than the books is a drift no booking explains: reconcile and audit exit 1", async () => {
      // The sandbox forgets what it billed (a restarted upstream): Vendo's books are now larger.
      world.sandbox.reset();
      const reconciled = await vendo(["reconcile"]);
      assert.equal(reconciled.code, 1);
      assert.match(reconciled.stderr, /Unexplained drift on \d pool credential\(s\): pc_\w+ \(negative\)/);
      const audit = await vendo(["audit"]);
      assert.equal(audit.code, 1);
      assert.match(audit.stderr, /negative/);
    });
  });
}

for (const { kind, skip } of storeKinds) {
  describe(`reconciliation while calls run (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind);
    });
    after(async () => world?.close());

    it("invariant 5: drift beyond what the running calls can cost (their holds) is booked at once; the rest once they end", async () => {
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant);
      // A call through Vendo that the upstream holds back 1.5 s: its hold is pending, its credential not yet known.
      for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, "latency=1500");
      const running = request(`${world.proxyBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key.plaintext}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "slow" }], max_tokens: 20 }),
      }).then((res) => res.body.text());
      const [hold] = await waitFor("the running call's hold", async () => {
        const rows = await world.server.store.db.selectFrom("holds").select(["amount", "status"]).where("tenant_id", "=", tenant).execute();
        return rows.length === 1 && rows[0]?.status === "pending" ? rows : false;
      });
      // Meanwhile someone spends on the first pool key behind Vendo's back (no latency for them).
      const behind = await request(`${world.sandbox.baseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${world.poolKeys[0]}`, "content-type": "application/json", "x-sandbox-fault": "latency=0" },
        body: JSON.stringify({ model: "openai/gpt-4o", messages: [{ role: "user", content: "not through vendo" }], max_tokens: 50 }),
      });
      await behind.body.text();
      const spent = world.sandbox.calls({ served: true }).at(-1)?.costNanos ?? 0n;
      assert.ok(hold && spent > hold.amount, "the spend is more than the running call could cost");

      const during = await world.server.reconcileUpstream();
      const first = during.find((r) => r.drift > 0n);
      assert.equal(first?.outcome, "booked");
      assert.equal(first?.bookedUnexplained, spent - (hold?.amount ?? 0n), "booked: the drift less what the running call holds");
      await running;
      for (const poolKey of world.poolKeys) world.sandbox.setKeyFault(poolKey, null);
      await world.server.settled();
      const afterwards = await world.server.reconcileUpstream();
      const second = afterwards.find((r) => r.credentialId === first?.credentialId);
      assert.ok(second?.outcome === "booked" || second?.outcome === "agreed", second?.outcome);
      const unexplained = await world.server.store.db.selectFrom("ledger_entries").select("amount").where("kind", "=", "unexplained").execute();
      assert.equal(unexplained.reduce((s, e) => s + e.amount, 0n), spent, "in the end exactly the spend behind Vendo's back is unexplained");
      const report = await world.server.reconcileUpstream({ dryRun: true });
      assert.ok(report.every((r) => r.outcome === "agreed"), JSON.stringify(report.map((r) => r.outcome)));
    });
  });
}
