// `kill -9` of the server under load, for the adapters other than OpenRouter (whose crash test
// is crash.integration.test.ts), then a restart (docs/money.md, invariants 2, 4, 5 and 6): every
// hold is resolved exactly once at the restart — none waits for a record its upstream does not keep
// — posted calls are charged their exact cost × markup, expired ones nothing, the ledger audits
// clean and the balance stays above zero. What the upstream billed for the calls the crash cut:
// Tavily's usage record books it as unexplained spend, so the books equal its bill (invariant 5);
// OpenAI and Anthropic keep no usage record an inference key can read, and reconciliation says so.
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
import { adapterDrivers } from "../support/adapterDrivers.js";
import { startChildServer } from "../support/childServer.js";
import { expectedCharge } from "../support/expectedMoney.js";
import { createTestStoreConfig, storeKinds, type TestStoreConfig } from "../support/stores.js";
import { waitFor } from "../support/waitFor.js";
import { TEST_SECRET_KEY } from "../support/world.js";

const MARKUP_BPS = 2_500n;

for (const driver of adapterDrivers.filter((d) => d.slug !== "openrouter")) {
  for (const { kind, skip } of storeKinds) {
    describe(`kill -9 under load, then restart, for ${driver.slug} (${kind})`, { skip }, () => {
      const poolKey = driver.poolKeys[0] as string;
      let sandbox: Sandbox;
      let target: TestStoreConfig;
      let store: Store;
      let dataDir: string;
      before(async () => {
        sandbox = await startSandbox({ keys: [poolKey] });
        // Streams run ~1 s (60 chunks, 15 ms apart); searches wait for their latency: many are under way when the server dies.
        sandbox.setKeyFault(poolKey, driver.streams ? "chunk-delay=15, tokens=60" : "latency=1500");
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

      it("invariants 2, 4, 5: every hold resolved once at the restart; what the upstream billed is booked, or named as unrecorded", async () => {
        const db = store.db;
        const tenant = newId("ten");
        const now = BigInt(Date.now());
        await db.insertInto("tenants").values({ id: tenant, name: "crash", status: "active", created_at: now }).execute();
        await openAccount(db, tenant);
        await topUp(db, { tenantId: tenant, amount: 20_000_000_000n, idempotencyKey: "crash-seed" });
        const { plaintext } = await insertApiKey(db, { tenantId: tenant, integration: driver.slug, deploymentId: null, name: "crash" });
        const credentialId = newId("pc");
        const box = createSecretBox(decodeSecretKey(TEST_SECRET_KEY));
        await db
          .insertInto("pool_credentials")
          .values({ id: credentialId, integration: driver.slug, label: "crash", secret_enc: box.seal(poolKey), last4: poolKey.slice(-4), created_at: now, disabled_at: null, baseline_usage: null })
          .execute();
        await db.insertInto("integration_settings").values({ integration: driver.slug, markup_bps: MARKUP_BPS, updated_at: now }).execute();

        const upstreamUrl = sandbox.upstreamUrls[driver.slug as keyof Sandbox["upstreamUrls"]];
        const options = { ...target.config, dataDir, secretKey: TEST_SECRET_KEY, upstreams: { [driver.slug]: upstreamUrl }, instanceStaleMs: 1000 };
        const first = await startChildServer(options);
        const calls = Array.from({ length: 24 }, async (_, i) => {
          try {
            const call = driver.call(plaintext, { stream: driver.streams && i % 3 !== 0, maxTokens: 100, prompt: `load ${i}` });
            const res = await request(`${first.url}/proxy/${driver.slug}${call.path}`, { method: "POST", headers: { "content-type": "application/json", ...call.headers }, body: JSON.stringify(call.body) });
            await res.body.text();
          } catch {
            // the server died under us
          }
        });
        await waitFor("settled calls and pending holds", async () => {
          const pending = await db.selectFrom("holds").select("request_id").where("status", "=", "pending").execute();
          return sandbox.calls({ served: true }).length >= 2 && pending.length >= 6;
        });
        first.child.kill("SIGKILL");
        await Promise.all(calls);
        assert.ok((await db.selectFrom("holds").select("request_id").where("status", "=", "pending").execute()).length > 0, "the crash left holds pending");

        await waitFor("the sandbox to record every abandoned call", () => sandbox.inFlight() === 0);
        const second = await startChildServer(options);
        try {
          await second.started;
          const stillPending = await db.selectFrom("holds").select("request_id").where("status", "=", "pending").execute();
          assert.deepEqual(stillPending, [], "invariant 2: the restart's reaper resolved every orphan, none waiting for a record that will not come");

          const holds = await db.selectFrom("holds").selectAll().where("tenant_id", "=", tenant).execute();
          const byRequest = new Map(sandbox.calls({ served: true }).map((c) => [c.requestId, c]));
          let unattributed = 0n;
          for (const hold of holds) {
            const served = byRequest.get(hold.request_id);
            if (hold.status === "posted") {
              assert.ok(served, `posted call ${hold.request_id} was served`);
              assert.equal(hold.charge, expectedCharge(served.costExact, MARKUP_BPS), `invariant 6: charge of ${hold.request_id}`);
            } else {
              assert.equal(hold.status, "expired");
              assert.equal(hold.charge, 0n, "an expired hold charges nothing");
              if (served) unattributed += served.costNanos;
            }
          }
          assert.ok(holds.some((h) => h.status === "expired"), "the crash cut some calls");

          const access = await openUpstreamRecords(store, { VENDO_SECRET_KEY: TEST_SECRET_KEY, [`VENDO_UPSTREAM_${driver.slug.toUpperCase()}_URL`]: upstreamUrl }, { dataDir });
          let report;
          try {
            report = await reconcileWithUpstream({ store, logger: createLogger("silent"), readUsage: access.records.readUsage });
          } finally {
            await access.close();
          }
          assert.deepEqual(report.map((r) => r.credentialId), [credentialId]);
          const billed = sandbox.totals().byKey[poolKey]?.costNanos ?? -1n;
          if (driver.usageRecord) {
            assert.ok(["booked", "agreed"].includes(report[0]?.outcome ?? ""), `reconciled: ${report[0]?.outcome}`);
            assert.equal(await bookedFor(store, credentialId), billed, "invariant 5: the books equal the upstream's bill");
            const unexplained = (await db.selectFrom("ledger_entries").select("amount").where("kind", "=", "unexplained").execute()).reduce((s, l) => s + l.amount, 0n);
            assert.equal(unexplained, unattributed, "unexplained spend is exactly the cut calls' bill");
          } else {
            assert.equal(report[0]?.outcome, "no_upstream_record", "the upstream keeps no usage record: reconciliation says so");
            assert.equal(await bookedFor(store, credentialId), billed - unattributed, "the books hold every posted call; the cut calls' bill is the upstream's alone");
          }
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
}
