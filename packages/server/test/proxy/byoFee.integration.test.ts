// A bring-your-own-key profile's per-call fee comes from the catalog (the profile's feeUsd), is
// held before the call and posted as revenue: the provider bills the tenant's own key directly,
// nothing is payable upstream (docs/money.md, "Accounts"). A catalog folder with the shipped
// entries, the OpenRouter BYO profile given a fee of $0.0005.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { catalogDir } from "@vendo/integrations";
import { request } from "undici";
import { getBalance } from "../../src/ledger/accounts.js";
import { revenueAccount } from "../../src/ledger/accountIds.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "../support/world.js";

const FEE = 500_000n; // $0.0005

for (const { kind, skip } of storeKinds) {
  describe(`the bring-your-own-key fee from the catalog (${kind})`, { skip }, () => {
    let world: World;
    let dir = "";
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "vendo-catalog-"));
      for (const name of readdirSync(catalogDir).filter((f) => f.endsWith(".json"))) {
        const entry = JSON.parse(readFileSync(join(catalogDir, name), "utf8")) as { slug?: string; profiles?: Array<Record<string, unknown>> };
        if (entry.slug === "openrouter") for (const p of entry.profiles ?? []) if (p.credential === "tenant") p.feeUsd = "0.0005";
        writeFileSync(join(dir, name), JSON.stringify(entry));
      }
      world = await startWorld(kind, { markupBps: 1_000n, server: { catalogDir: dir } });
    });
    after(async () => {
      await world?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const admin = (path: string, body: unknown, bearer = WORLD_ADMIN_TOKEN, headers: Record<string, string> = {}) =>
      request(`${world.server.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> }));

    /** A tenant with `usd` of credit and a deployment connected with its own OpenRouter key. */
    async function byoTenant(usd: string, ownKey: string): Promise<{ tenantId: string; proxyKey: string }> {
      const tenantId = String((await admin("/api/v1/tenants", { name: `byo-${ownKey}` })).json.id);
      assert.equal((await admin(`/api/v1/tenants/${tenantId}/credits`, { amount: usd }, WORLD_ADMIN_TOKEN, { "idempotency-key": `fee-${tenantId}` })).status, 201);
      const mk = String((await admin(`/api/v1/tenants/${tenantId}/management-keys`, {})).json.key);
      const deploymentId = String((await admin("/api/v1/deployments", { name: "byo-app" }, mk)).json.id);
      const connection = await admin(`/api/v1/deployments/${deploymentId}/connections`, { integration: "openrouter", profile: "bring_your_own_key", credential: ownKey }, mk);
      assert.equal(connection.status, 201);
      return { tenantId, proxyKey: String(connection.json.api_key) };
    }

    const chat = (key: string) =>
      request(`${world.proxyBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello" }], max_tokens: 50_000 }),
      }).then(async (r) => ({ status: r.statusCode, body: (await r.body.json()) as { error: { metadata: Record<string, string> } } }));

    it("holds and charges the fee, all of it revenue, whatever the call cost the tenant's own key upstream", async () => {
      const ownKey = `sk-or-own-${Date.now()}`;
      world.sandbox.addKey(ownKey);
      const { tenantId, proxyKey } = await byoTenant("0.01", ownKey);
      const revenueBefore = (await world.server.store.db.selectFrom("accounts").select("credits").where("id", "=", revenueAccount("openrouter")).executeTakeFirst())?.credits ?? 0n;
      world.sandbox.reset();
      assert.equal((await chat(proxyKey)).status, 200);
      assert.equal((await chat(proxyKey)).status, 200);
      await world.server.settled();

      const served = world.sandbox.calls({ served: true });
      assert.ok(served.length === 2 && served.every((c) => c.key === ownKey && c.costNanos > 0n), "the tenant's own key paid upstream");
      const holds = await world.server.store.db.selectFrom("holds").selectAll().where("tenant_id", "=", tenantId).execute();
      assert.deepEqual(holds.map((h) => [h.status, h.amount, h.charge]), [["posted", FEE, FEE], ["posted", FEE, FEE]]);
      assert.equal((await getBalance(world.server.store.db, tenantId))?.balance, 10_000_000n - 2n * FEE);
      const revenue = (await world.server.store.db.selectFrom("accounts").select("credits").where("id", "=", revenueAccount("openrouter")).executeTakeFirst())?.credits ?? 0n;
      assert.equal(revenue - revenueBefore, 2n * FEE, "the fee is revenue");
      const legs = await world.server.store.db.selectFrom("ledger_entries").select(["credit_account"]).where("tenant_id", "=", tenantId).where("kind", "!=", "topup").execute();
      assert.ok(legs.every((l) => !l.credit_account.startsWith("payable:")), "nothing is payable upstream for a tenant's own key");
      assert.equal((await auditLedger(world.server.store)).ok, true);
    });

    it("a balance below the fee is refused before anything reaches the upstream", async () => {
      const ownKey = `sk-or-own-poor-${Date.now()}`;
      world.sandbox.addKey(ownKey);
      const { proxyKey } = await byoTenant("0.0001", ownKey);
      world.sandbox.reset();
      const refused = await chat(proxyKey);
      assert.equal(refused.status, 402);
      assert.equal(refused.body.error.metadata.limit_source, "openrouter_credits");
      assert.equal(refused.body.error.metadata.requested_usd, "0.0005");
      assert.equal(world.sandbox.calls().length, 0);
    });
  });
}
