// An instance frozen past the stale window while a peer lives on the same PostgreSQL
// (docs/money.md, "Orphans and fencing", invariants 2 and 4): the peer fences it and expires its
// pending holds; when it resumes, its streams finish and their charges post late — logged, marked,
// never dropped, never twice — and its next admission learns the new epoch. Afterwards every hold is
// resolved and the books equal what the sandbox billed, to the nano-USD.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { startSandbox, type Sandbox } from "@vendo/sandbox";
import { insertApiKey } from "../../src/control/routes/keys/insertApiKey.js";
import { openAccount, topUp } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { bookedFor } from "../../src/ledger/reconciliation.js";
import { newId } from "../../src/security/apiKeys.js";
import { createSecretBox, decodeSecretKey } from "../../src/security/secretBox.js";
import { openStore, type Store } from "../../src/store/db.js";
import { startChildServer, type ChildServer } from "../support/childServer.js";
import { expectedCharge } from "../support/expectedMoney.js";
import { createTestStoreConfig, postgresSkip, type TestStoreConfig } from "../support/stores.js";
import { waitFor } from "../support/waitFor.js";
import { TEST_SECRET_KEY } from "../support/world.js";

const POOL_KEY = "sk-or-stall-pool";
const MARKUP_BPS = 1_500n;
const STREAMS = 6;

describe("an instance stalled past the stale window, with a live peer (postgres)", { skip: postgresSkip }, () => {
  let sandbox: Sandbox;
  let target: TestStoreConfig;
  let store: Store;
  let dataDir: string;
  let stalled: ChildServer | null = null;
  let peer: ChildServer | null = null;
  before(async () => {
    sandbox = await startSandbox({ keys: [POOL_KEY] });
    target = await createTestStoreConfig("postgres");
    store = await openStore(target.config);
    dataDir = mkdtempSync(join(tmpdir(), "vendo-stall-"));
  });
  after(async () => {
    if (stalled?.child.signalCode === null && stalled.child.exitCode === null) stalled.child.kill("SIGCONT");
    await stalled?.stop();
    await peer?.stop();
    await store?.close();
    await sandbox?.close();
    await target?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("invariants 2 and 4: the peer fences and expires; the resumed instance's charges post late, once each", async () => {
    const db = store.db;
    const now = BigInt(Date.now());
    const tenant = newId("ten");
    await db.insertInto("tenants").values({ id: tenant, name: "stall", status: "active", created_at: now }).execute();
    await openAccount(db, tenant);
    await topUp(db, { tenantId: tenant, amount: 10_000_000_000n, idempotencyKey: "stall-seed" });
    const { plaintext } = await insertApiKey(db, { tenantId: tenant, integration: "openrouter", deploymentId: null, name: "stall" });
    const credentialId = newId("pc");
    const box = createSecretBox(decodeSecretKey(TEST_SECRET_KEY));
    await db
      .insertInto("pool_credentials")
      .values({ id: credentialId, integration: "openrouter", label: "stall", secret_enc: box.seal(POOL_KEY), last4: "pool", created_at: now, disabled_at: null, baseline_usage: 0n })
      .execute();
    await db.insertInto("integration_settings").values({ integration: "openrouter", markup_bps: MARKUP_BPS, updated_at: now }).execute();

    // Silent for 1 s is stale; the peer reaps every 200 ms and expires an orphan at once when the
    // upstream has no record of it yet (the stalled instance's streams are still running).
    const options = { ...target.config, dataDir, secretKey: TEST_SECRET_KEY, upstreams: { openrouter: `${sandbox.url}/api` }, instanceStaleMs: 1000, reapIntervalMs: 200, orphanRecordGraceMs: 0 };
    stalled = await startChildServer(options);
    peer = await startChildServer(options);
    await Promise.all([stalled.started, peer.started]);

    const call = (server: ChildServer, i: number, stream: boolean) =>
      request(`${server.url}/proxy/openrouter/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${plaintext}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "qwen/qwen3-8b", messages: [{ role: "user", content: `stall ${i}` }], stream, max_tokens: 40 }),
      }).then(async (res) => ({ status: res.statusCode, text: await res.body.text() }));

    // Streams that run ~4 s (40 chunks, 100 ms apart), on the instance about to stall: the peer
    // fences it after ~1 s of silence, while they are still running.
    sandbox.setKeyFault(POOL_KEY, "chunk-delay=100");
    const streams = Array.from({ length: STREAMS }, (_, i) => call(stalled as ChildServer, i, true));
    await waitFor("every stream's generation noted", async () => {
      const noted = await db.selectFrom("holds").select("generation_id").where("status", "=", "pending").where("generation_id", "is not", null).execute();
      return noted.length === STREAMS;
    });
    stalled.child.kill("SIGSTOP");
    try {
      // The peer sees it silent, fences it and expires its holds: the money is available again.
      await waitFor("the peer to expire the stalled instance's holds", async () => {
        const expired = await db.selectFrom("holds").select("request_id").where("status", "=", "expired").execute();
        return expired.length === STREAMS;
      });
      const instance = await db.selectFrom("instances").select("epoch").where("heartbeat_at", "<", BigInt(Date.now() - 1000)).execute();
      assert.ok(instance.some((i) => i.epoch === 1n), "the stalled instance's epoch was bumped");
      const balance = await db.selectFrom("balances").select("held").where("tenant_id", "=", tenant).executeTakeFirstOrThrow();
      assert.equal(balance.held, 0n);
    } finally {
      stalled.child.kill("SIGCONT");
    }

    // It resumes: the streams finish and are relayed whole; their charges post late.
    const answers = await Promise.all(streams);
    sandbox.setKeyFault(POOL_KEY, null);
    assert.ok(answers.every((a) => a.status === 200 && a.text.includes("[DONE]")), "every stream was relayed to its end");
    await waitFor("every late charge posted", async () => {
      const posted = await db.selectFrom("holds").select(["late"]).where("tenant_id", "=", tenant).where("status", "=", "posted").execute();
      return posted.length === STREAMS && posted.every((h) => h.late === 1n);
    });
    // Its next admission finds it was fenced: the new hold carries the new epoch.
    const next = await call(stalled, 99, false);
    assert.equal(next.status, 200);
    await waitFor("the fencing noticed in the log", () => stalled?.stderr.some((l) => l.includes("fenced by a reaper")) ?? false);
    await waitFor("the late charges logged", () => (stalled?.stderr.filter((l) => l.includes("late charge posted")).length ?? 0) === STREAMS);
    const epochs = await db.selectFrom("holds").select(["epoch", "status"]).where("tenant_id", "=", tenant).execute();
    assert.ok(epochs.some((h) => h.epoch === 1n), "a hold of the new epoch");
    await waitFor("every hold resolved", async () => (await db.selectFrom("holds").select("request_id").where("status", "=", "pending").execute()).length === 0);

    // Charged once each, exactly; the books equal the sandbox's bill.
    const byRequest = new Map(sandbox.calls({ served: true }).map((c) => [c.requestId, c]));
    const holds = await db.selectFrom("holds").selectAll().where("tenant_id", "=", tenant).execute();
    for (const hold of holds) {
      const served = byRequest.get(hold.request_id);
      assert.ok(served, `${hold.request_id} was served`);
      assert.equal(hold.status, "posted");
      assert.equal(hold.charge, expectedCharge(served.costExact, MARKUP_BPS));
    }
    assert.equal(await bookedFor(store, credentialId), sandbox.totals().byKey[POOL_KEY]?.costNanos);
    const audit = await auditLedger(store);
    assert.equal(audit.ok, true, JSON.stringify(audit, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
  });
});
