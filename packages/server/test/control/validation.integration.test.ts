// Every endpoint that takes input answers a bad request with a 400 whose message names the field.
// A case per endpoint; a new endpoint without one fails the coverage test.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { endpoints, type EndpointName } from "../../src/control/contract/index.js";
import { connectedDeployment, describeOnStores, errorOf } from "./support/controlHarness.js";

interface Ids {
  tenant: string;
  key: string;
  deployment: string;
}
type Bad = { method?: string; path: string; body?: unknown; headers?: Record<string, string>; field: RegExp };

const BAD_ID = "not%20an%20id!";
const cases: Record<EndpointName, ((ids: Ids) => Bad) | "no input"> = {
  whoami: "no input",
  listIntegrations: "no input",
  createTenant: () => ({ path: "/api/v1/tenants", body: { name: 42 }, field: /body\.name/ }),
  listTenants: () => ({ path: "/api/v1/tenants?name=a&name=b", field: /query\.name/ }),
  getTenant: () => ({ path: `/api/v1/tenants/${BAD_ID}`, field: /params\.id/ }),
  suspendTenant: () => ({ path: `/api/v1/tenants/${BAD_ID}/suspend`, field: /params\.id/ }),
  resumeTenant: () => ({ path: `/api/v1/tenants/${BAD_ID}/resume`, field: /params\.id/ }),
  createManagementKey: (i) => ({ path: `/api/v1/tenants/${i.tenant}/management-keys`, body: { name: "" }, field: /body\.name/ }),
  listManagementKeys: () => ({ path: `/api/v1/tenants/${BAD_ID}/management-keys`, field: /params\.id/ }),
  revokeManagementKey: (i) => ({ path: `/api/v1/tenants/${i.tenant}/management-keys/${BAD_ID}`, field: /params\.keyId/ }),
  addCredits: (i) => ({ path: `/api/v1/tenants/${i.tenant}/credits`, body: { amount: "1.5" }, headers: { "idempotency-key": "" }, field: /Idempotency-Key/ }),
  adjustBalance: (i) => ({ path: `/api/v1/tenants/${i.tenant}/adjustments`, body: { amount: "1.0000000001", memo: "x" }, field: /body\.amount/ }),
  getBalance: () => ({ path: `/api/v1/tenants/${BAD_ID}/balance`, field: /params\.id/ }),
  listLedgerEntries: (i) => ({ path: `/api/v1/tenants/${i.tenant}/ledger?limit=501`, field: /query\.limit/ }),
  getUsage: (i) => ({ path: `/api/v1/tenants/${i.tenant}/usage?to=31/12/2025`, field: /query\.to/ }),
  createKey: (i) => ({ path: "/api/v1/keys", body: { tenant_id: i.tenant, name: "k", integration: "openrouter", limit: 1.5 }, field: /body\.limit/ }),
  listKeys: () => ({ path: "/api/v1/keys?include_deleted=maybe", field: /query\.include_deleted/ }),
  getKey: () => ({ path: `/api/v1/keys/${BAD_ID}`, field: /params\.id/ }),
  updateKey: (i) => ({ path: `/api/v1/keys/${i.key}`, body: { limit_reset: "yearly" }, field: /body\.limit_reset/ }),
  disableKey: () => ({ path: `/api/v1/keys/${BAD_ID}/disable`, field: /params\.id/ }),
  deleteKey: () => ({ path: `/api/v1/keys/${BAD_ID}`, field: /params\.id/ }),
  createDeployment: (i) => ({ path: "/api/v1/deployments", body: { tenant_id: i.tenant, name: "   " }, field: /body\.name/ }),
  listDeployments: () => ({ path: `/api/v1/deployments?tenant_id=${BAD_ID}`, field: /query\.tenant_id/ }),
  getDeployment: () => ({ path: `/api/v1/deployments/${BAD_ID}`, field: /params\.id/ }),
  deleteDeployment: () => ({ path: `/api/v1/deployments/${BAD_ID}`, field: /params\.id/ }),
  getDeploymentToken: () => ({ path: `/api/v1/deployments/${BAD_ID}/token`, field: /params\.id/ }),
  rotateDeploymentToken: () => ({ path: `/api/v1/deployments/${BAD_ID}/token`, field: /params\.id/ }),
  createConnection: (i) => ({ path: `/api/v1/deployments/${i.deployment}/connections`, body: { integration: "openrouter", metadata: ["a"] }, field: /body\.metadata/ }),
  listConnections: () => ({ path: `/api/v1/deployments/${BAD_ID}/connections`, field: /params\.id/ }),
  deleteConnection: () => ({ path: `/api/v1/deployments/${BAD_ID}/connections/openrouter`, field: /params\.id/ }),
  getDeploymentEnv: (i) => ({ path: `/api/v1/deployments/${i.deployment}/env?reveal=please`, field: /query\.reveal/ }),
  addPoolCredential: () => ({ path: "/api/v1/pool-credentials", body: { integration: "openrouter", secret: 12345678 }, field: /body\.secret/ }),
  listPoolCredentials: () => ({ path: "/api/v1/pool-credentials?integration=a&integration=b", field: /query\.integration/ }),
  disablePoolCredential: () => ({ path: `/api/v1/pool-credentials/${BAD_ID}/disable`, field: /params\.id/ }),
  setMarkup: () => ({ path: "/api/v1/integrations/openrouter/markup", body: { markup_bps: 1.5 }, field: /body\.markup_bps/ }),
};

it("has a validation case for every endpoint that takes input", () => {
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(endpoints).sort());
  for (const [name, c] of Object.entries(cases) as Array<[EndpointName, unknown]>) {
    const e = endpoints[name] as { params?: unknown; query?: unknown; body?: unknown; headers?: unknown };
    if (c === "no input") assert.ok(!e.params && !e.query && !e.body && !e.headers, `${name} takes input: give it a case`);
  }
});

describeOnStores("control API: a 400 that names the field, on every route", (h) => {
  let ids: Ids;
  before(async () => {
    const t = await h().tenant("validation");
    const key = await h().call("POST", "/api/v1/keys", { as: t.key, body: { name: "k", integration: "openrouter" } });
    const deployment = await connectedDeployment(h(), t.key);
    ids = { tenant: t.id, key: key.body.id, deployment: deployment.id };
  });

  for (const [name, c] of Object.entries(cases) as Array<[EndpointName, (typeof cases)[EndpointName]]>) {
    if (c === "no input") continue;
    it(`${endpoints[name].method} ${endpoints[name].path}`, async () => {
      const bad = c(ids);
      const res = await h().call(bad.method ?? endpoints[name].method, bad.path, {
        ...(bad.body !== undefined && { body: bad.body }),
        ...(bad.headers && { headers: bad.headers }),
      });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(errorOf(res).message, bad.field);
    });
  }
});
