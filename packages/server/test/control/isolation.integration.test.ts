// Tenant isolation, route by route: tenant A's management key can neither read nor change
// anything of tenant B, and the operator's routes refuse it. A case per endpoint of the contract;
// a new endpoint without a case fails the coverage test.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { endpoints, type EndpointName } from "../../src/control/contract/index.js";
import { connectedDeployment, credit, describeOnStores, errorOf, type Harness, type Res } from "./support/controlHarness.js";

interface World {
  a: { id: string; key: string };
  b: { id: string; key: string; keyId: string; managementKeyId: string; deployment: { id: string; token: string; apiKey: string }; poolId: string };
}

type Attempt = { method?: string; path: string; body?: unknown; headers?: Record<string, string> };
interface Case {
  /** What tenant A tries against tenant B (method defaults to the endpoint's). */
  attempt(w: World): Attempt;
  /** The refusal expected; or a check of an answer that must hold only A's data. */
  expect: 403 | 404 | 400 | ((res: Res, w: World) => void);
}

const operatorOnly = (attempt: Case["attempt"]): Case => ({ attempt, expect: 403 });
const notFound = (attempt: Case["attempt"]): Case => ({ attempt, expect: 404 });
const onlyOwn = (attempt: Case["attempt"], check: (res: Res, w: World) => void): Case => ({ attempt, expect: check });

const noB = (res: Res, w: World) => {
  assert.equal(res.status, 200);
  const text = JSON.stringify(res.body);
  for (const secretOrId of [w.b.id, w.b.keyId, w.b.deployment.id, w.b.deployment.apiKey, w.b.deployment.token]) assert.ok(!text.includes(secretOrId));
};

const cases: Record<EndpointName, Case> = {
  whoami: onlyOwn(() => ({ path: "/api/v1/whoami" }), (res, w) => assert.equal(res.body.tenant_id, w.a.id)),
  createTenant: operatorOnly(() => ({ path: "/api/v1/tenants", body: { name: "sneaky" } })),
  listTenants: operatorOnly(() => ({ path: "/api/v1/tenants" })),
  getTenant: notFound((w) => ({ path: `/api/v1/tenants/${w.b.id}` })),
  suspendTenant: operatorOnly((w) => ({ path: `/api/v1/tenants/${w.b.id}/suspend` })),
  resumeTenant: operatorOnly((w) => ({ path: `/api/v1/tenants/${w.b.id}/resume` })),
  createManagementKey: operatorOnly((w) => ({ path: `/api/v1/tenants/${w.b.id}/management-keys`, body: {} })),
  listManagementKeys: operatorOnly((w) => ({ path: `/api/v1/tenants/${w.b.id}/management-keys` })),
  revokeManagementKey: operatorOnly((w) => ({ path: `/api/v1/tenants/${w.b.id}/management-keys/${w.b.managementKeyId}` })),
  addCredits: operatorOnly((w) => ({ path: `/api/v1/tenants/${w.a.id}/credits`, body: { amount: "100" }, headers: { "idempotency-key": "self-credit" } })),
  adjustBalance: operatorOnly((w) => ({ path: `/api/v1/tenants/${w.b.id}/adjustments`, body: { amount: "-1", memo: "x" } })),
  getBalance: notFound((w) => ({ path: `/api/v1/tenants/${w.b.id}/balance` })),
  listLedgerEntries: notFound((w) => ({ path: `/api/v1/tenants/${w.b.id}/ledger` })),
  getUsage: notFound((w) => ({ path: `/api/v1/tenants/${w.b.id}/usage` })),
  createKey: notFound((w) => ({ path: "/api/v1/keys", body: { tenant_id: w.b.id, name: "in b", integration: "openrouter" } })),
  listKeys: notFound((w) => ({ path: `/api/v1/keys?tenant_id=${w.b.id}` })),
  getKey: notFound((w) => ({ path: `/api/v1/keys/${w.b.keyId}` })),
  updateKey: notFound((w) => ({ path: `/api/v1/keys/${w.b.keyId}`, body: { limit: "0" } })),
  disableKey: notFound((w) => ({ path: `/api/v1/keys/${w.b.keyId}/disable` })),
  deleteKey: notFound((w) => ({ path: `/api/v1/keys/${w.b.keyId}` })),
  createDeployment: notFound((w) => ({ path: "/api/v1/deployments", body: { tenant_id: w.b.id, name: "in b" } })),
  listDeployments: notFound((w) => ({ path: `/api/v1/deployments?tenant_id=${w.b.id}` })),
  getDeployment: notFound((w) => ({ path: `/api/v1/deployments/${w.b.deployment.id}` })),
  deleteDeployment: notFound((w) => ({ path: `/api/v1/deployments/${w.b.deployment.id}` })),
  getDeploymentToken: notFound((w) => ({ path: `/api/v1/deployments/${w.b.deployment.id}/token` })),
  rotateDeploymentToken: notFound((w) => ({ path: `/api/v1/deployments/${w.b.deployment.id}/token` })),
  createConnection: notFound((w) => ({ path: `/api/v1/deployments/${w.b.deployment.id}/connections`, body: { integration: "openrouter" } })),
  listConnections: notFound((w) => ({ path: `/api/v1/deployments/${w.b.deployment.id}/connections` })),
  deleteConnection: notFound((w) => ({ path: `/api/v1/deployments/${w.b.deployment.id}/connections/openrouter` })),
  getDeploymentEnv: notFound((w) => ({ path: `/api/v1/deployments/${w.b.deployment.id}/env?reveal=true` })),
  addPoolCredential: operatorOnly(() => ({ path: "/api/v1/pool-credentials", body: { integration: "openrouter", secret: "sk-or-v1-stolen-pool" } })),
  listPoolCredentials: operatorOnly(() => ({ path: "/api/v1/pool-credentials" })),
  disablePoolCredential: operatorOnly((w) => ({ path: `/api/v1/pool-credentials/${w.b.poolId}/disable` })),
  listIntegrations: onlyOwn(() => ({ path: "/api/v1/integrations" }), noB),
  setMarkup: operatorOnly(() => ({ path: "/api/v1/integrations/openrouter/markup", body: { markup_bps: 0 } })),
};

/** Everything of B that A's attempts must leave as it was. */
async function snapshotOfB(h: Harness, w: World): Promise<string> {
  const db = h.server.store.db;
  const [tenant, balance, keys, deployments, connections, mkeys, entries, pool, markup] = await Promise.all([
    db.selectFrom("tenants").selectAll().where("id", "=", w.b.id).execute(),
    db.selectFrom("balances").selectAll().where("tenant_id", "=", w.b.id).execute(),
    db.selectFrom("api_keys").selectAll().where("tenant_id", "=", w.b.id).orderBy("id").execute(),
    db.selectFrom("deployments").selectAll().where("tenant_id", "=", w.b.id).orderBy("id").execute(),
    db.selectFrom("connections").selectAll().where("tenant_id", "=", w.b.id).orderBy("id").execute(),
    db.selectFrom("management_keys").selectAll().where("tenant_id", "=", w.b.id).orderBy("id").execute(),
    db.selectFrom("ledger_entries").selectAll().where("tenant_id", "=", w.b.id).orderBy("id").execute(),
    db.selectFrom("pool_credentials").selectAll().orderBy("id").execute(),
    db.selectFrom("integration_settings").selectAll().execute(),
  ]);
  return JSON.stringify({ tenant, balance, keys, deployments, connections, mkeys, entries, pool, markup }, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

it("has an isolation case for every endpoint of the contract", () => {
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(endpoints).sort());
});

describeOnStores("control API: tenant isolation on every route", (h) => {
  let w: World;
  before(async () => {
    const a = await h().tenant("tenant A");
    const b = await h().tenant("tenant B");
    await credit(h(), b.id, "10");
    const key = await h().call("POST", "/api/v1/keys", { as: b.key, body: { name: "b's key", integration: "openrouter", limit: "5" } });
    const deployment = await connectedDeployment(h(), b.key, "b's app");
    const mkeys = await h().call("GET", `/api/v1/tenants/${b.id}/management-keys`);
    const pool = await h().call("POST", "/api/v1/pool-credentials", { body: { integration: "openrouter", secret: "sk-or-v1-operator-pool" } });
    await h().call("PUT", "/api/v1/integrations/openrouter/markup", { body: { markup_bps: 100 } });
    w = { a, b: { ...b, keyId: key.body.id, managementKeyId: mkeys.body.data[0].id, deployment, poolId: pool.body.id } };
  });

  for (const [name, c] of Object.entries(cases) as Array<[EndpointName, Case]>) {
    it(`${endpoints[name].method} ${endpoints[name].path}: tenant A cannot reach tenant B`, async () => {
      const before = await snapshotOfB(h(), w);
      const attempt = c.attempt(w);
      const res = await h().call(attempt.method ?? endpoints[name].method, attempt.path, {
        as: w.a.key,
        ...(attempt.body !== undefined && { body: attempt.body }),
        ...(attempt.headers && { headers: attempt.headers }),
      });
      if (typeof c.expect === "number") {
        assert.equal(res.status, c.expect, JSON.stringify(res.body));
        errorOf(res);
        assert.ok(!JSON.stringify(res.body).includes(w.b.deployment.apiKey));
      } else {
        c.expect(res, w);
      }
      assert.equal(await snapshotOfB(h(), w), before, "tenant B's data is unchanged");
    });
  }

  it("listings without a filter show a tenant only its own", async () => {
    const own = await connectedDeployment(h(), w.a.key, "a's app");
    for (const path of ["/api/v1/keys", "/api/v1/deployments", `/api/v1/keys?deployment_id=${w.b.deployment.id}`]) {
      const res = await h().call("GET", path, { as: w.a.key });
      noB(res, w);
    }
    const mine = await h().call("GET", "/api/v1/deployments", { as: w.a.key });
    assert.deepEqual(mine.body.data.map((d: { id: string }) => d.id), [own.id]);
    const keyByB = await h().call("POST", "/api/v1/keys", { as: w.a.key, body: { name: "x", integration: "openrouter", deployment_id: w.b.deployment.id } });
    assert.equal(keyByB.status, 400, "a key cannot be bound to another tenant's deployment");
  });

  it("B's own key, deployment token and env still work afterwards", async () => {
    assert.equal((await h().call("GET", `/api/v1/keys/${w.b.keyId}`, { as: w.b.key })).body.disabled, false);
    const env = await h().call("GET", `/api/v1/deployments/${w.b.deployment.id}/env?reveal=true`, { as: w.b.deployment.token });
    assert.equal(env.body.data.find((v: { name: string }) => v.name === "OPENROUTER_API_KEY").value, w.b.deployment.apiKey);
  });
});
