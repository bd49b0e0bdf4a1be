import assert from "node:assert/strict";
import { it } from "node:test";
import { endpoints } from "../../src/control/contract/index.js";
import { describeOnStores, errorOf } from "./support/controlHarness.js";

describeOnStores("control API: tenants and management keys", (h) => {
  it("creates a tenant with a zero balance account, lists it and gets it", async () => {
    const created = await h().call("POST", "/api/v1/tenants", { body: { name: "acme" } });
    assert.equal(created.status, 201);
    const tenant = endpoints.createTenant.response.parse(created.body);
    assert.match(tenant.id, /^ten_/);
    assert.deepEqual(tenant.balance, { balance: "0", held: "0", available: "0" });
    assert.equal(tenant.status, "active");

    const balanceRow = await h().server.store.db.selectFrom("balances").selectAll().where("tenant_id", "=", tenant.id).executeTakeFirst();
    assert.equal(balanceRow?.balance, 0n, "openAccount ran");

    const list = await h().call("GET", "/api/v1/tenants");
    assert.equal(list.status, 200);
    assert.ok(endpoints.listTenants.response.parse(list.body).data.some((t) => t.id === tenant.id));
    const byName = await h().call("GET", "/api/v1/tenants?name=acme");
    assert.deepEqual(byName.body.data.map((t: { id: string }) => t.id), [tenant.id]);

    const got = await h().call("GET", `/api/v1/tenants/${tenant.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.name, "acme");
    assert.equal(errorOf(await h().call("GET", "/api/v1/tenants/ten_missing")).code, 404);
  });

  it("refuses a tenant without a name, naming the field", async () => {
    const res = await h().call("POST", "/api/v1/tenants", { body: { name: "" } });
    assert.equal(res.status, 400);
    assert.match(errorOf(res).message, /body\.name/);
    const extra = await h().call("POST", "/api/v1/tenants", { body: { name: "x", balance: "5" } });
    assert.match(errorOf(extra).message, /unknown field "balance"/);
  });

  it("suspends and resumes a tenant, each change recorded in the change feed for every proxy instance", async () => {
    const t = await h().tenant("suspendable");
    const changes = () =>
      h().server.store.db.selectFrom("changes").select(["seq", "entity"]).where("entity", "=", "tenant").where("ref", "=", t.id).orderBy("seq").execute();
    const before = (await changes()).length;

    const suspended = await h().call("POST", `/api/v1/tenants/${t.id}/suspend`);
    assert.equal(suspended.status, 200);
    assert.equal(suspended.body.status, "suspended");
    assert.equal((await changes()).length, before + 1, "suspend is in the feed");

    const resumed = await h().call("POST", `/api/v1/tenants/${t.id}/resume`);
    assert.equal(resumed.body.status, "active");
    const after = await changes();
    assert.equal(after.length, before + 2, "resume is in the feed");
    assert.ok((after.at(-1)?.seq ?? 0n) > (after.at(-2)?.seq ?? 0n), "in order");
    assert.equal(errorOf(await h().call("POST", "/api/v1/tenants/ten_missing/suspend")).code, 404);
  });

  it("mints a management key once, lists it by prefix, and refuses it once revoked", async () => {
    const t = await h().tenant("keyed");
    const minted = await h().call("POST", `/api/v1/tenants/${t.id}/management-keys`, { body: { name: "ci" } });
    assert.equal(minted.status, 201);
    const key = endpoints.createManagementKey.response.parse(minted.body);
    assert.match(key.key, /^vendo_mk_[0-9A-Za-z]{40}$/);
    assert.ok(key.key.startsWith(key.prefix));

    const list = await h().call("GET", `/api/v1/tenants/${t.id}/management-keys`);
    assert.equal(list.body.data.length, 2);
    assert.ok(!JSON.stringify(list.body).includes(key.key), "the plaintext is never listed");
    assert.ok(!JSON.stringify(list.body).includes("key_hash"));

    const me = await h().call("GET", "/api/v1/whoami", { as: key.key });
    assert.deepEqual(me.body, { kind: "tenant", tenant_id: t.id, deployment_id: null });

    const revoked = await h().call("DELETE", `/api/v1/tenants/${t.id}/management-keys/${key.id}`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revoked_at);
    const refused = await h().call("GET", "/api/v1/whoami", { as: key.key });
    assert.equal(refused.status, 401);
    assert.match(errorOf(refused).message, /revoked/);
    // The tenant's other key still works.
    assert.equal((await h().call("GET", "/api/v1/whoami", { as: t.key })).status, 200);
  });

  it("tells the operator who it is", async () => {
    const me = await h().call("GET", "/api/v1/whoami");
    assert.deepEqual(me.body, { kind: "operator", tenant_id: null, deployment_id: null });
  });
});
