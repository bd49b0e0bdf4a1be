import assert from "node:assert/strict";
import { it } from "node:test";
import { endpoints } from "../../src/control/contract/index.js";
import { describeOnStores, errorOf } from "./support/controlHarness.js";

describeOnStores("control API: pools, integrations and markup", (h) => {
  it("adds a pool credential sealed, lists it masked and disables it", async () => {
    const secret = "sk-or-v1-operator-upstream-key-WXYZ";
    const added = await h().call("POST", "/api/v1/pool-credentials", { body: { integration: "openrouter", label: "main", secret } });
    assert.equal(added.status, 201);
    const view = endpoints.addPoolCredential.response.parse(added.body);
    assert.deepEqual([view.last4, view.masked, view.label, view.disabled], ["WXYZ", "…WXYZ", "main", false]);
    assert.ok(!JSON.stringify(added.body).includes(secret));

    const row = await h().server.store.db.selectFrom("pool_credentials").selectAll().where("id", "=", view.id).executeTakeFirstOrThrow();
    assert.ok(!row.secret_enc.includes(secret));
    assert.equal(h().server.ctx.secrets.open(row.secret_enc), secret);

    const list = await h().call("GET", "/api/v1/pool-credentials?integration=openrouter");
    assert.ok(list.body.data.some((p: { id: string }) => p.id === view.id));
    assert.ok(!JSON.stringify(list.body).includes(secret));

    const disabled = await h().call("POST", `/api/v1/pool-credentials/${view.id}/disable`);
    assert.equal(disabled.body.disabled, true);
    assert.equal(errorOf(await h().call("POST", "/api/v1/pool-credentials/pc_missing/disable")).code, 404);
  });

  it("invariant 5: a secret is in the pool once (its upstream usage would count twice): 409 while enabled, re-enabled when disabled", async () => {
    const secret = "sk-or-v1-pooled-once-0123456789";
    const first = await h().call("POST", "/api/v1/pool-credentials", { body: { integration: "openrouter", secret, label: "once" } });
    assert.equal(first.status, 201);
    const again = await h().call("POST", "/api/v1/pool-credentials", { body: { integration: "openrouter", secret, label: "twice" } });
    assert.equal(again.status, 409);
    assert.match(errorOf(again).message, new RegExp(`already in the openrouter pool as ${first.body.id}`));
    assert.ok(!JSON.stringify(again.body).includes(secret), "the secret is never echoed");
    await h().call("POST", `/api/v1/pool-credentials/${first.body.id}/disable`);
    const back = await h().call("POST", "/api/v1/pool-credentials", { body: { integration: "openrouter", secret } });
    assert.equal(back.status, 200);
    assert.deepEqual([back.body.id, back.body.disabled], [first.body.id, false], "the same credential, enabled again");
    const rows = await h().server.store.db.selectFrom("pool_credentials").select("id").where("label", "=", "once").execute();
    assert.equal(rows.length, 1);
  });

  it("validates pool credentials, naming the field", async () => {
    for (const [body, message] of [
      [{ integration: "openrouter" }, /body\.secret/],
      [{ integration: "openrouter", secret: "short" }, /body\.secret/],
      [{ integration: "nope", secret: "sk-or-v1-long-enough" }, /body\.integration/],
    ] as const) {
      const res = await h().call("POST", "/api/v1/pool-credentials", { body });
      assert.equal(res.status, 400);
      assert.match(errorOf(res).message, message);
    }
  });

  it("sets the markup per integration (upsert) and shows it in the integrations list", async () => {
    const set = await h().call("PUT", "/api/v1/integrations/openrouter/markup", { body: { markup_bps: 250 } });
    assert.equal(set.status, 200);
    assert.equal(set.body.markup_bps, 250);
    await h().call("PUT", "/api/v1/integrations/openrouter/markup", { body: { markup_bps: 300 } });
    const row = await h().server.store.db.selectFrom("integration_settings").selectAll().where("integration", "=", "openrouter").executeTakeFirstOrThrow();
    assert.equal(row.markup_bps, 300n);

    const t = await h().tenant("reader");
    const list = await h().call("GET", "/api/v1/integrations", { as: t.key });
    const openrouter = endpoints.listIntegrations.response.parse(list.body).data.find((i) => i.slug === "openrouter");
    assert.equal(openrouter?.markup_bps, 300);
    assert.equal(openrouter?.proxy_url, `${h().url}/proxy/openrouter`);
    assert.ok(openrouter?.profiles.some((p) => p.id === "vendo_managed_pool" && p.default));

    assert.match(errorOf(await h().call("PUT", "/api/v1/integrations/openrouter/markup", { body: { markup_bps: -1 } })).message, /body\.markup_bps/);
    assert.match(errorOf(await h().call("PUT", "/api/v1/integrations/openrouter/markup", { body: { markup_bps: "5" } })).message, /body\.markup_bps/);
    assert.equal(errorOf(await h().call("PUT", "/api/v1/integrations/nope/markup", { body: { markup_bps: 1 } })).code, 404);
  });
});
