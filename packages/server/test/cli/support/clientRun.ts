// Official clients run as a deployment's app through `vendo run` (the real binary), against a
// world whose upstream is the sandbox: a tenant with credit and a deployment connected to one
// integration through the CLI, then each call the sandbox served checked against what Vendo charged.
import assert from "node:assert/strict";
import { expectedCharge } from "../../support/expectedMoney.js";
import { WORLD_ADMIN_TOKEN, type World } from "../../support/world.js";
import { cliEnv, runVendo, type VendoResult } from "./runVendo.js";

export interface ClientDeployment {
  admin: NodeJS.ProcessEnv;
  tenantId: string;
  deploymentId: string;
  /** `vendo run --deployment <id> -- node <script> [args]`. */
  run(script: string, ...args: string[]): Promise<VendoResult>;
}

/** A tenant with `usd` of credit and a deployment connected to `integration`, made with the CLI. */
export async function clientDeployment(world: World, integration: string, usd = "5"): Promise<ClientDeployment> {
  const admin = cliEnv({ VENDO_API_URL: world.server.url, VENDO_ADMIN_TOKEN: WORLD_ADMIN_TOKEN });
  const json = async (args: string[]) => {
    const r = await runVendo([...args, "--json"], admin);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { id: string };
  };
  const tenantId = (await json(["tenants", "create", `${integration}-app-co`])).id;
  await json(["credits", "add", tenantId, usd, "--idempotency-key", `${integration}-${tenantId}`]);
  const deploymentId = (await json(["deployments", "create", `${integration}-app`, "--tenant", tenantId])).id;
  await json(["connect", deploymentId, integration]);
  return {
    admin,
    tenantId,
    deploymentId,
    run: (script, ...args) => runVendo(["run", "--deployment", deploymentId, "--", process.execPath, script, ...args], admin),
  };
}

/** Every served call is charged the sandbox's exact cost × markup, and the tenant's usage is their sum. */
export async function chargedAsServed(world: World, app: ClientDeployment, markupBps: bigint): Promise<void> {
  await world.server.settled();
  const served = new Map(world.sandbox.calls({ served: true }).map((c) => [c.requestId, c]));
  const holds = await world.server.store.db.selectFrom("holds").selectAll().where("tenant_id", "=", app.tenantId).execute();
  assert.equal(holds.length, served.size, "one hold per call the sandbox served");
  let total = 0n;
  for (const hold of holds) {
    const call = served.get(hold.request_id);
    assert.ok(call, `the sandbox served ${hold.request_id}`);
    assert.equal(hold.status, "posted");
    assert.equal(hold.charge, expectedCharge(call.costExact, markupBps), `${call.path} (${call.streamed ? "streamed" : "plain"}) charged the exact cost × markup`);
    assert.ok(hold.charge <= hold.amount, "within its hold");
    total += hold.charge;
  }
  const usage = await runVendo(["usage", "--tenant", app.tenantId, "--json"], app.admin);
  assert.equal(usage.code, 0, usage.stderr);
  const { total: summary } = JSON.parse(usage.stdout) as { total: { charge: string } };
  assert.equal(summary.charge, formatNanos(total), "vendo usage agrees");
}

function formatNanos(nanos: bigint): string {
  const whole = nanos / 1_000_000_000n;
  const frac = (nanos % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}
