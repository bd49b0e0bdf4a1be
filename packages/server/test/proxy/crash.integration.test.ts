// Done-when 5 (invariant 3): `kill -9` of the server under load, then a restart: the audit
// passes, no hold stays open, and charges never exceed what the sandbox served.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { startSandbox, type Sandbox } from "@vendo/sandbox";
import { insertApiKey } from "../../src/control/routes/keys/insertApiKey.js";
import { openAccount, topUp } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { newId } from "../../src/security/apiKeys.js";
import { createSecretBox, decodeSecretKey } from "../../src/security/secretBox.js";
import { openStore, type Store } from "../../src/store/db.js";
import { createTestStoreConfig, storeKinds, type TestStoreConfig } from "../support/stores.js";
import { TEST_SECRET_KEY } from "../support/world.js";

const serveScript = fileURLToPath(new URL("../fixtures/serve.mts", import.meta.url));

function startChild(options: object): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", serveScript, JSON.stringify(options)], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", (url) => resolve({ child, url }));
    child.once("exit", (code) => reject(new Error(`server exited early (${code})`)));
  });
}

for (const { kind, skip } of storeKinds) {
  describe(`kill -9 under load, then restart (${kind})`, { skip }, () => {
    let sandbox: Sandbox;
    let target: TestStoreConfig;
    let store: Store;
    let dataDir: string;
    before(async () => {
      sandbox = await startSandbox({ keys: ["sk-or-crash-pool"] });
      sandbox.setKeyFault("sk-or-crash-pool", "chunk-delay=15, tokens=60");
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

    it("reconciles every orphaned hold; audit passes; charges ≤ served", async () => {
      const db = store.db;
      const tenant = newId("ten");
      const now = BigInt(Date.now());
      await db.insertInto("tenants").values({ id: tenant, name: "crash", status: "active", created_at: now }).execute();
      await openAccount(db, tenant);
      await topUp(db, { tenantId: tenant, amount: 20_000_000_000n, idempotencyKey: "crash-seed" });
      const { plaintext } = await insertApiKey(db, { tenantId: tenant, integration: "openrouter", deploymentId: null, name: "crash" });
      const box = createSecretBox(decodeSecretKey(TEST_SECRET_KEY));
      await db.insertInto("pool_credentials").values({ id: newId("pc"), integration: "openrouter", label: "crash", secret_enc: box.seal("sk-or-crash-pool"), last4: "pool", created_at: now, disabled_at: null }).execute();

      const options = { ...target.config, dataDir, secretKey: TEST_SECRET_KEY, upstreams: { openrouter: `${sandbox.url}/api` }, instanceStaleMs: 1000 };
      const first = await startChild(options);
      const calls = Array.from({ length: 40 }, async (_, i) => {
        try {
          const res = await request(`${first.url}/proxy/openrouter/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${plaintext}`, "content-type": "application/json" },
            body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: `load ${i}` }], stream: i % 4 !== 0, max_tokens: 100 }),
          });
          await res.body.text();
        } catch {
          // the server died under us
        }
      });
      await new Promise((r) => setTimeout(r, 450));
      first.child.kill("SIGKILL");
      await Promise.all(calls);
      const openBefore = await db.selectFrom("holds").select("request_id").where("status", "=", "pending").execute();
      assert.ok(openBefore.length > 0, "the crash left holds open");

      // Let the sandbox finish the generations the dead proxy abandoned, then restart.
      await new Promise((r) => setTimeout(r, kind === "postgres" ? 1500 : 1200));
      const second = await startChild(options);
      try {
        const deadline = Date.now() + 15_000;
        let open = openBefore.length;
        while (open > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          open = (await db.selectFrom("holds").select("request_id").where("status", "=", "pending").execute()).length;
        }
        assert.equal(open, 0, "no hold left open");
        const audit = await auditLedger(store);
        assert.equal(audit.ok, true, JSON.stringify(audit.tenants, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
        const charged = (await db.selectFrom("ledger_entries").select("amount").where("kind", "=", "charge").execute()).reduce((s, e) => s - e.amount, 0n);
        const served = sandbox.calls().filter((c) => c.served).reduce((s, c) => s + c.costNanos, 0n);
        assert.ok(charged <= served, `charged ${charged} must not exceed served ${served}`);
        const reconciled = await db.selectFrom("calls").select("status").where("status", "in", ["reconciled", "released_orphan"]).execute();
        assert.equal(reconciled.length, openBefore.length, "each orphan got exactly one outcome");
      } finally {
        second.child.kill("SIGTERM");
      }
    });
  });
}
