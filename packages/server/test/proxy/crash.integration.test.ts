// `kill -9` of the server under mixed load (streamed and not, a sub-nano-priced model and a whole
// one), then a restart and a reconciliation (docs/money.md, invariants 2, 4, 5 and 6): every hold is
// resolved exactly once; calls whose generation was recorded are posted from the upstream's record;
// the rest expire and their upstream spend is booked as unexplained; afterwards
// Σ charges at upstream cost + unexplained == what the sandbox billed, to the nano-USD.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { startSandbox, type Sandbox } from "@vendo/sandbox";
import { openUpstreamRecords } from "../../src/cli/storeAccess.js";
import { insertApiKey } from "../../src/control/routes/keys/insertApiKey.js";
import { openAccount, topUp } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { bookedFor, reconcileWithUpstream } from "../../src/ledger/reconciliation.js";
import { createLogger } from "../../src/logger.js";
import { newId } from "../../src/security/apiKeys.js";
import { createSecretBox, decodeSecretKey } from "../../src/security/secretBox.js";
import { openStore, type Store } from "../../src/store/db.js";
import { startChildServer } from "../support/childServer.js";
import { expectedCharge } from "../support/expectedMoney.js";
import { createTestStoreConfig, storeKinds, type TestStoreConfig } from "../support/stores.js";
import { waitFor } from "../support/waitFor.js";
import { TEST_SECRET_KEY } from "../support/world.js";

const POOL_KEY = "sk-or-crash-pool";
const MARKUP_BPS = 2_500n;

for (const { kind, skip } of storeKinds) {
  describe(`kill -9 under mixed load, then restart and reconcile (${kind})`, { skip }, () => {
    let sandbox: Sandbox;
    let target: TestStoreConfig;
    let store: Store;
    let dataDir: string;
    before(async () => {
      sandbox = await startSandbox({ keys: [POOL_KEY] });
      // Streams run ~1 s (60 chunks, 15 ms apart), so many are under way when the server dies.
      sandbox.setKeyFault(POOL_KEY, "chunk-delay=15, tokens=60");
      target = await createTestStoreConfig(kind);
      store = await openStore(target.config);
      dataDir = mkdtempSync(join(tmpdir(), "vendo-crash-"));
    });
    after(async () => {
      await store?.close();
      await sandbox?.close();
      await target?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("invariants 2, 4, 5: every hold resolved once; the books equal the sandbox's bill to the nano-USD", async () => {
      const db = store.db;
      const tenant = newId("ten");
      const now = BigInt(Date.now());
      await db.insertInto("tenants").values({ id: tenant, name: "crash", status: "active", created_at: now }).execute();
      await openAccount(db, tenant);
      await topUp(db, { tenantId: tenant, amount: 20_000_000_000n, idempotencyKey: "crash-seed" });
      const { plaintext } = await insertApiKey(db, { tenantId: tenant, integration: "openrouter", deploymentId: null, name: "crash" });
      const credentialId = newId("pc");
      const box = createSecretBox(decodeSecretKey(TEST_SECRET_KEY));
      await db
        .insertInto("pool_credentials")
        .values({ id: credentialId, integration: "openrouter", label: "crash", secret_enc: box.seal(POOL_KEY), last4: "pool", created_at: now, disabled_at: null, baseline_usage: null })
        .execute();
      await db.insertInto("integration_settings").values({ integration: "openrouter", markup_bps: MARKUP_BPS, updated_at: now }).execute();

      const upstreamUrl = `${sandbox.url}/api`;
      // sandboxUpstream: the sandbox's per-request controls pass through the proxy (as in `vendo dev`).
      const options = { ...target.config, dataDir, secretKey: TEST_SECRET_KEY, upstreams: { openrouter: upstreamUrl }, sandboxUpstream: true, instanceStaleMs: 1000 };
      const first = await startChildServer(options);
      const calls = Array.from({ length: 40 }, async (_, i) => {
        try {
          // Every fifth call's upstream waits 3 s before answering: killed before its generation is known.
          const slow: Record<string, string> = i % 5 === 0 ? { "x-sandbox-fault": "latency=3000" } : {};
          const res = await request(`${first.url}/proxy/openrouter/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${plaintext}`, "content-type": "application/json", ...slow },
            body: JSON.stringify({
              model: i % 2 === 0 ? "qwen/qwen3-8b" : "openai/gpt-4o-mini",
              messages: [{ role: "user", content: `load ${i}` }],
              stream: i % 4 !== 0,
              max_tokens: 100,
            }),
          });
          await res.body.text();
        } catch {
          // the server died under us
        }
      });
      // Kill it while calls are under way: some settled, some streaming (their generation noted),
      // some not answered yet (no generation known).
      await waitFor("settled calls and pending holds, some with their generation noted and all the slow ones without", async () => {
        const pending = await db.selectFrom("holds").select("generation_id").where("status", "=", "pending").execute();
        const noted = pending.filter((h) => h.generation_id !== null).length;
        return sandbox.calls({ served: true }).length >= 3 && noted >= 5 && pending.length - noted >= 8;
      });
      first.child.kill("SIGKILL");
      await Promise.all(calls);
      const orphans = await db.selectFrom("holds").select("request_id").where("status", "=", "pending").execute();
      assert.ok(orphans.length > 0, "the crash left holds pending");

      // The sandbox finishes (and bills) what the dead proxy left running, then the proxy restarts.
      await waitFor("the sandbox to record every abandoned call", () => sandbox.inFlight() === 0);
      const second = await startChildServer(options);
      try {
        await second.started;
        const stillPending = await db.selectFrom("holds").select("request_id").where("status", "=", "pending").execute();
        assert.deepEqual(stillPending, [], "invariant 2: the restart's reaper resolved every orphan");

        const access = await openUpstreamRecords(store, { VENDO_SECRET_KEY: TEST_SECRET_KEY, VENDO_UPSTREAM_OPENROUTER_URL: upstreamUrl }, { dataDir });
        let report;
        try {
          report = await reconcileWithUpstream({ store, logger: createLogger("silent"), readUsage: access.records.readUsage });
        } finally {
          await access.close();
        }
        const billed = sandbox.totals().byKey[POOL_KEY]?.costNanos ?? -1n;
        assert.deepEqual(report.map((r) => r.credentialId), [credentialId]);
        assert.ok(["booked", "agreed"].includes(report[0]!.outcome), `reconciled: ${report[0]!.outcome}`);
        // invariant 5: what the books owe for the credential is what the upstream billed.
        assert.equal(await bookedFor(store, credentialId), billed);

        const legs = await db.selectFrom("ledger_entries").select(["kind", "credit_account", "amount", "request_id"]).execute();
        const sum = (pick: (l: (typeof legs)[number]) => boolean) => legs.filter(pick).reduce((s, l) => s + l.amount, 0n);
        const atUpstreamCost = sum((l) => l.credit_account === `payable:${credentialId}` && l.kind !== "unexplained");
        const unexplained = sum((l) => l.kind === "unexplained");
        assert.equal(atUpstreamCost + unexplained, billed, "Σ charges at upstream cost + unexplained == the sandbox's bill");

        // The oracle: unexplained spend is exactly what the sandbox billed for calls Vendo could not
        // attribute (their holds expired); every posted call's upstream cost is its sandbox cost, and
        // its charge is its exact cost with the markup, rounded once.
        const holds = await db.selectFrom("holds").selectAll().where("tenant_id", "=", tenant).execute();
        const byRequest = new Map(sandbox.calls({ served: true }).map((c) => [c.requestId, c]));
        let unattributed = 0n;
        const generations = new Set<string>();
        for (const hold of holds) {
          const served = byRequest.get(hold.request_id);
          if (hold.status === "posted") {
            assert.ok(served, `posted call ${hold.request_id} was served`);
            assert.equal(hold.upstream_cost, served.costNanos, `upstream cost of ${hold.request_id}`);
            assert.equal(hold.charge, expectedCharge(served.costExact, MARKUP_BPS), `invariant 6: charge of ${hold.request_id} (${served.costExact})`);
            assert.ok(!generations.has(served.id), `no call charged twice: ${served.id}`);
            generations.add(served.id);
          } else if (served) {
            assert.equal(hold.status, "expired", `${hold.request_id} was served and is ${hold.status}`);
            unattributed += served.costNanos;
          }
        }
        assert.equal(unexplained, unattributed, "unexplained spend is exactly the unattributed calls' bill");
        // Call records the crash lost were rebuilt from the holds at this first restart.
        const recorded = new Set((await db.selectFrom("calls").select("request_id").where("tenant_id", "=", tenant).execute()).map((c) => c.request_id));
        assert.deepEqual(holds.filter((h) => !recorded.has(h.request_id)).map((h) => h.request_id), [], "every resolved call has its record");
        const reaped = await db.selectFrom("calls").select("request_id").where("tenant_id", "=", tenant).where("status", "=", "reconciled").execute();
        assert.ok(reaped.length > 0, "invariant 4: orphans whose generation was recorded were posted from the upstream's record");
        assert.ok(unexplained > 0n, "and calls killed before their generation was known became unexplained spend");
        assert.ok(sandbox.calls({ served: true }).some((c) => c.model === "qwen/qwen3-8b" && !/^\d+(\.\d{0,9})?$/.test(c.costExact)), "some costs had digits below the nano-USD");

        const audit = await auditLedger(store);
        assert.equal(audit.ok, true, JSON.stringify(audit, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
        const balance = await db.selectFrom("balances").select("balance").where("tenant_id", "=", tenant).executeTakeFirstOrThrow();
        assert.ok(balance.balance >= 0n, "invariant 3: the balance stayed above zero");
      } finally {
        await second.stop();
      }
    });
  });
}
