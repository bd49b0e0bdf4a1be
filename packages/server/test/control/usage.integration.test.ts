import assert from "node:assert/strict";
import { it } from "node:test";
import { endpoints } from "../../src/control/contract/index.js";
import { newId } from "../../src/security/apiKeys.js";
import { describeOnStores, errorOf, type Harness } from "./support/controlHarness.js";

const DAY = 86_400_000;
const DAY1 = Date.UTC(2025, 0, 10, 12);
const DAY2 = Date.UTC(2025, 0, 11, 9);

/** Call rows as the proxy writes them (this suite tests the report, not the metering). */
async function recordCall(h: Harness, c: { tenantId: string; keyId: string; deploymentId: string | null; model: string | null; at: number; prompt: bigint; completion: bigint; cost: bigint; charge: bigint }) {
  await h.server.store.db
    .insertInto("calls")
    .values({
      request_id: newId("req"),
      tenant_id: c.tenantId,
      key_id: c.keyId,
      deployment_id: c.deploymentId,
      integration: "openrouter",
      path: "/v1/chat/completions",
      model: c.model,
      generation_id: null,
      prompt_tokens: c.prompt,
      completion_tokens: c.completion,
      upstream_cost: c.cost,
      charge: c.charge,
      estimated: 0n,
      streamed: 1n,
      status: "ok",
      http_status: 200n,
      latency_ms: 10n,
      created_at: BigInt(c.at),
    })
    .execute();
}

describeOnStores("control API: usage", (h) => {
  it("groups calls by day, model, key and deployment over [from, to), with exact sums", async () => {
    const t = await h().tenant("usage");
    const other = await h().tenant("someone else");
    const base = { tenantId: t.id, prompt: 10n, completion: 20n };
    await recordCall(h(), { ...base, keyId: "key_a", deploymentId: "dep_1", model: "m/one", at: DAY1, cost: 1_000_000_001n, charge: 1_100_000_001n });
    await recordCall(h(), { ...base, keyId: "key_a", deploymentId: "dep_1", model: "m/two", at: DAY1 + 1000, cost: 2n, charge: 3n });
    await recordCall(h(), { ...base, keyId: "key_b", deploymentId: null, model: "m/one", at: DAY2, cost: 5n, charge: 7n });
    await recordCall(h(), { ...base, keyId: "key_b", deploymentId: null, model: "m/one", at: DAY2 + 3 * DAY, cost: 100n, charge: 100n });
    await recordCall(h(), { ...base, tenantId: other.id, keyId: "key_x", deploymentId: null, model: "m/one", at: DAY1, cost: 999n, charge: 999n });

    const query = (groupBy: string) => h().call("GET", `/api/v1/tenants/${t.id}/usage?from=2025-01-10&to=2025-01-12&group_by=${groupBy}`, { as: t.key });
    const byDay = endpoints.getUsage.response.parse((await query("day")).body);
    assert.deepEqual(
      byDay.data.map((r) => [r.group, r.count, r.prompt_tokens, r.completion_tokens, r.upstream_cost, r.charge]),
      [
        ["2025-01-10", 2, 20, 40, "1.000000003", "1.100000004"],
        ["2025-01-11", 1, 10, 20, "0.000000005", "0.000000007"],
      ],
    );
    assert.deepEqual(byDay.total, { count: 3, prompt_tokens: 30, completion_tokens: 60, upstream_cost: "1.000000008", charge: "1.100000011" });
    assert.equal(byDay.from, "2025-01-10T00:00:00.000Z");

    const byModel = (await query("model")).body.data.map((r: { group: string; count: number }) => [r.group, r.count]);
    assert.deepEqual(byModel, [["m/one", 2], ["m/two", 1]]);
    const byKey = (await query("key")).body.data.map((r: { group: string; count: number }) => [r.group, r.count]);
    assert.deepEqual(byKey, [["key_a", 2], ["key_b", 1]]);
    const byDeployment = (await query("deployment")).body.data.map((r: { group: string | null; count: number }) => [r.group, r.count]);
    assert.deepEqual(
      byDeployment.sort((a: [string | null], b: [string | null]) => String(a[0]).localeCompare(String(b[0]))),
      [["dep_1", 2], [null, 1]],
    );
  });

  it("validates the range and the grouping, naming the field", async () => {
    const t = await h().tenant("validating");
    const path = `/api/v1/tenants/${t.id}/usage`;
    assert.match(errorOf(await h().call("GET", `${path}?group_by=hour`)).message, /query\.group_by/);
    assert.match(errorOf(await h().call("GET", `${path}?from=yesterday`)).message, /query\.from/);
    assert.match(errorOf(await h().call("GET", `${path}?from=2025-02-01&to=2025-01-01`)).message, /query\.from/);
    assert.equal((await h().call("GET", path)).status, 200, "defaults: the last 30 days by day");
  });
});
