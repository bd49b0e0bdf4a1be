// What `vendo dev` sets up through the control API, idempotently across restarts: each
// integration's pool keys, a tenant "demo" with $10 of credit, a deployment "demo-app" connected
// to every integration that has a pool.
import { endpoints } from "../../control/contract/index.js";
import { dashboardEndpoints } from "../../dashboard/contract.js";
import type { Store } from "../../store/db.js";
import type { ControlClient } from "../client.js";
import type { DevIntegration } from "./devUpstream.js";

export const DEMO_TENANT = "demo";
export const DEMO_DEPLOYMENT = "demo-app";
export const DEMO_CREDIT_USD = "10";
/** The integration the banner's curl and first example call. */
export const DEMO_INTEGRATION = "openrouter";

export interface DemoSetup {
  tenantId: string;
  deploymentId: string;
  balance: string;
  /** The deployment's env, every connected integration's vars. */
  env: Record<string, string>;
  /** The integrations the deployment is connected to. */
  integrations: string[];
  /** A one-time sign-in link to the demo tenant's dashboard. */
  dashboardUrl: string;
}

/** Registers one integration's dev pool keys (matched by label and last 4) and retires dev keys no longer given. */
async function syncOne(client: ControlClient, integration: DevIntegration): Promise<void> {
  const { data } = await client.call(endpoints.listPoolCredentials, { query: { integration: integration.slug } });
  const live = data.filter((c) => !c.disabled);
  const kept = new Set<string>();
  for (const key of integration.poolKeys) {
    const match = live.find((c) => c.label === key.label && c.last4 === key.secret.slice(-4) && !kept.has(c.id));
    if (match) kept.add(match.id);
    else kept.add((await client.call(endpoints.addPoolCredential, { body: { integration: integration.slug, label: key.label, secret: key.secret } })).id);
  }
  for (const stale of live.filter((c) => c.label.startsWith("dev:") && !kept.has(c.id))) {
    await client.call(endpoints.disablePoolCredential, { params: { id: stale.id } });
  }
}

/** Every integration's dev pool, in turn. */
export async function syncDevPool(client: ControlClient, integrations: readonly DevIntegration[]): Promise<void> {
  for (const integration of integrations) await syncOne(client, integration);
}

export async function seedDemo(client: ControlClient, integrations: readonly string[]): Promise<DemoSetup> {
  const tenants = await client.call(endpoints.listTenants, { query: { name: DEMO_TENANT } });
  const tenantId = tenants.data[0]?.id ?? (await client.call(endpoints.createTenant, { body: { name: DEMO_TENANT } })).id;
  // A fixed idempotency key: the demo credit is given once, however often dev restarts.
  const credit = await client.call(endpoints.addCredits, {
    params: { id: tenantId },
    headers: { "idempotency-key": `vendo-dev-demo-credit-${tenantId}` },
    body: { amount: DEMO_CREDIT_USD, memo: "vendo dev: demo credit" },
  });

  const deployments = await client.call(endpoints.listDeployments, { query: { tenant_id: tenantId, name: DEMO_DEPLOYMENT } });
  const deployment = deployments.data[0] ?? (await client.call(endpoints.createDeployment, { body: { tenant_id: tenantId, name: DEMO_DEPLOYMENT } }));
  for (const slug of integrations) {
    if (!deployment.connections.some((c) => c.integration === slug)) {
      await client.call(endpoints.createConnection, { params: { id: deployment.id }, body: { integration: slug } });
    }
  }
  const env = await client.call(endpoints.getDeploymentEnv, { params: { id: deployment.id }, query: { reveal: "true" } });
  const link = await client.call(dashboardEndpoints.createDashboardLink, { params: { id: tenantId } });
  return {
    tenantId,
    deploymentId: deployment.id,
    balance: credit.balance.balance,
    dashboardUrl: link.url,
    env: Object.fromEntries(env.data.filter((v) => integrations.includes(v.integration)).map((v) => [v.name, v.value])),
    integrations: [...integrations],
  };
}

/**
 * `vendo dev`'s sandbox starts each time with no record of what it billed before: its pool
 * credentials' reconciliation starts over from zero (ledger/reconciliation.ts, rebaseline), so the
 * books and the sandbox agree again instead of showing a drift nobody caused.
 */
export async function rebaselineDevSandbox(store: Store): Promise<void> {
  const credentials = await store.db
    .selectFrom("pool_credentials")
    .select(["id", "integration"])
    .where("label", "like", "dev:sandbox%")
    .where("disabled_at", "is", null)
    .execute();
  const { rebaseline } = await import("../../ledger/reconciliation.js");
  for (const credential of credentials) await rebaseline(store, credential, 0n);
}
