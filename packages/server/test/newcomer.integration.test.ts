// Issue 5, the newcomer path end to end: an operator sets a tenant up with the `vendo` CLI, the
// tenant's app runs unchanged under `vendo run` (the official @openrouter/sdk and openai examples
// from examples/), and usage, ledger and audit account for every call to the nano-USD the sandbox
// recorded. Everything goes over real HTTP, on a real store, through the real binary.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { completionText, countPromptTokens } from "@vendo/sandbox";
import { applyMarkup, decimalToNanos } from "../src/ledger/money.js";
import { cliEnv, runVendo, type VendoResult } from "./cli/support/runVendo.js";
import { postgresUrl, storeKinds } from "./support/stores.js";
import { startWorld, TEST_SECRET_KEY, WORLD_ADMIN_TOKEN, type World } from "./support/world.js";

// A markup makes "upstream cost" and "charge" different numbers, so each is checked on its own.
const MARKUP_BPS = 1_000n; // 10 %
const CREDIT = "5";

const nanos = (usd: string): bigint => {
  const n = decimalToNanos(usd);
  assert.ok(n !== null, `not a USD decimal: ${usd}`);
  return n;
};

for (const { kind, skip } of storeKinds) {
  describe(`the newcomer path: CLI set-up, vendo run, usage and audit (${kind})`, { skip }, () => {
    let world: World;
    let admin: NodeJS.ProcessEnv;
    // Filled in by the steps below, in order (node:test runs a describe's tests one after another).
    let tenantId = "";
    let deploymentId = "";
    let deploymentToken = "";
    let apiKey = "";

    before(async () => {
      world = await startWorld(kind, { markupBps: MARKUP_BPS });
      admin = cliEnv({ VENDO_API_URL: world.server.url, VENDO_ADMIN_TOKEN: WORLD_ADMIN_TOKEN });
    });
    after(() => world?.close());

    const vendo = (args: string[]) => runVendo(args, admin);
    const json = async (args: string[]) => {
      const r = await vendo([...args, "--json"]);
      assert.equal(r.code, 0, `vendo ${args.join(" ")}: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    /** `vendo run` of one example, with the prompt passed as its argument. */
    const runExample = (example: string, prompt: string): Promise<VendoResult> =>
      vendo(["run", "--deployment", deploymentId, "--", process.execPath, `examples/${example}`, prompt]);

    /**
     * The answer the sandbox deterministically streamed for the one call it served after the first
     * `seen` ones: its recorded token counts fix every byte of the text.
     */
    const answerOfNextCall = (seen: number, prompt: string) => {
      const served = world.sandbox.calls({ served: true }).slice(seen);
      assert.equal(served.length, 1, "exactly one call reached the sandbox");
      const call = served[0]!;
      assert.equal(call.streamed, true, "the example streamed");
      assert.equal(call.promptTokens, countPromptTokens({ messages: [{ role: "user", content: prompt }] }), "the prompt arrived intact");
      assert.ok(call.completionTokens > 0);
      return completionText(call.completionTokens, call.promptTokens) + "\n";
    };

    /** What `vendo run` printed must be exactly the child's output: no key, no token, no banner. */
    const assertNoSecrets = (r: VendoResult) => {
      for (const secret of [apiKey, deploymentToken, WORLD_ADMIN_TOKEN, ...world.poolKeys]) {
        assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), "a secret leaked into vendo run's output");
      }
    };

    it("the operator creates a tenant, credits it idempotently, creates a deployment and connects openrouter", async () => {
      const tenant = await json(["tenants", "create", "newcomer-co"]);
      tenantId = tenant.id;
      assert.match(tenantId, /^ten_/);

      // A retried credit with the same idempotency key must not credit twice.
      const first = await json(["credits", "add", tenantId, CREDIT, "--idempotency-key", "newcomer-topup-1"]);
      const retry = await json(["credits", "add", tenantId, CREDIT, "--idempotency-key", "newcomer-topup-1"]);
      assert.deepEqual([first.created, retry.created], [true, false]);
      assert.equal(nanos(retry.balance.balance), nanos(CREDIT));

      const deployment = await json(["deployments", "create", "newcomer-app", "--tenant", tenantId]);
      deploymentId = deployment.id;
      deploymentToken = deployment.token;
      assert.match(deploymentToken, /^vendo_dt_/);

      const connected = await json(["connect", deploymentId, "openrouter"]);
      apiKey = connected.api_key;
      assert.match(apiKey, /^vendo_sk_/);
      const env = Object.fromEntries(connected.env.map((v: { name: string; value: string }) => [v.name, v.value]));
      assert.equal(env.OPENROUTER_BASE_URL, `${world.server.url}/proxy/openrouter/v1`);
    });

    it("vendo run streams the @openrouter/sdk example's answer through the proxy", async () => {
      const prompt = "Hello from a newcomer using the OpenRouter SDK";
      const seen = world.sandbox.calls({ served: true }).length;
      const r = await runExample("openrouter-sdk.mjs", prompt);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, answerOfNextCall(seen, prompt));
      assertNoSecrets(r);
    });

    it("vendo run streams the openai client example's answer through the proxy", async () => {
      const prompt = "And a second hello, through the openai client";
      const seen = world.sandbox.calls({ served: true }).length;
      const r = await runExample("openai-client.mjs", prompt);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, answerOfNextCall(seen, prompt));
      assertNoSecrets(r);
    });

    it("vendo usage and vendo ledger show both calls at exactly the sandbox's cost (with the markup)", async () => {
      await world.server.settled();
      const served = world.sandbox.calls({ served: true });
      assert.equal(served.length, 2);
      const upstreamCost = served.reduce((sum, c) => sum + c.costNanos, 0n);
      const charges = served.reduce((sum, c) => sum + applyMarkup(c.costNanos, MARKUP_BPS), 0n);
      assert.ok(charges > upstreamCost, "the markup is applied");

      const usage = await json(["usage", "--tenant", tenantId, "--group-by", "deployment"]);
      assert.equal(usage.data.length, 1);
      assert.equal(usage.data[0].group, deploymentId, "the calls are booked to the deployment");
      assert.equal(usage.data[0].count, 2);
      assert.equal(usage.data[0].prompt_tokens, served.reduce((s, c) => s + c.promptTokens, 0));
      assert.equal(usage.data[0].completion_tokens, served.reduce((s, c) => s + c.completionTokens, 0));
      assert.equal(nanos(usage.total.upstream_cost), upstreamCost);
      assert.equal(nanos(usage.total.charge), charges);

      // One charge entry per served call, matched by the request id the proxy sent upstream.
      const ledger = await json(["ledger", "--tenant", tenantId]);
      const chargeEntries = ledger.data.filter((e: { kind: string }) => e.kind === "charge");
      assert.equal(chargeEntries.length, 2);
      for (const call of served) {
        const entry = chargeEntries.find((e: { request_id: string | null }) => e.request_id === call.requestId);
        assert.ok(entry, `a charge entry for ${call.requestId}`);
        assert.equal(nanos(entry.amount), -applyMarkup(call.costNanos, MARKUP_BPS));
      }
      const topups = ledger.data.filter((e: { kind: string }) => e.kind === "topup");
      assert.deepEqual(topups.map((e: { amount: string }) => nanos(e.amount)), [nanos(CREDIT)], "the retried credit was booked once");

      const tenant = await json(["tenants", "get", tenantId]);
      assert.equal(nanos(tenant.balance.balance), nanos(CREDIT) - charges);
      assert.equal(nanos(tenant.balance.held), 0n, "every hold ended");
    });

    it("vendo audit proves the ledger of the store the server wrote", async () => {
      await world.server.settled();
      const { config } = world.server.ctx;
      // The audit reads the store directly: the SQLite file, or this test's PostgreSQL schema
      // (named through the connection string's search_path, as any PostgreSQL client allows).
      // It checks the books against the upstream too: it reads the pool credentials with the
      // instance's secret key and asks the upstream (here the sandbox) for their usage.
      const upstream = { ...admin, VENDO_SECRET_KEY: TEST_SECRET_KEY, VENDO_UPSTREAM_OPENROUTER_URL: `${world.sandbox.url}/api` };
      const store =
        kind === "sqlite"
          ? { args: ["--sqlite-path", config.sqlitePath], env: upstream }
          : { args: [], env: { ...upstream, DATABASE_URL: `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${config.pgSchema}`)}` } };
      const r = await runVendo(["audit", ...store.args, "--json"], store.env);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.ok, true);
      assert.ok(report.upstream.length > 0 && report.upstream.every((u: { outcome: string }) => u.outcome === "agreed"), "invariant 5: the books agree with the upstream");
      // Not a vacuous pass: the audit saw our tenant, with the balance the ledger shows.
      const row = report.tenants.find((t: { tenant: string }) => t.tenant === tenantId);
      assert.ok(row, "the audit covered the newcomer's tenant");
      assert.equal(row.ok, "ok");
      const charged = world.sandbox.calls({ served: true }).reduce((sum, c) => sum + applyMarkup(c.costNanos, MARKUP_BPS), 0n);
      assert.equal(nanos(row.balance), nanos(CREDIT) - charged);
    });

    it("no log line of the server carries the tenant's key or an upstream credential", () => {
      const logs = world.logs.join("");
      for (const secret of [apiKey, deploymentToken, ...world.poolKeys]) assert.ok(!logs.includes(secret));
    });
  });
}
