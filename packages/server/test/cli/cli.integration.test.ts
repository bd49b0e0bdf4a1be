// The `vendo` binary against a running server: --json listings, exit codes and the one-line failure.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { ADMIN_TOKEN, describeOnStores } from "../control/support/controlHarness.js";
import { cliEnv, runVendo } from "./support/runVendo.js";

describeOnStores("vendo CLI management verbs", (h) => {
  let admin: NodeJS.ProcessEnv;
  before(() => {
    admin = cliEnv({ VENDO_API_URL: h().url, VENDO_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  const vendo = (args: string[], env = admin) => runVendo(args, env);
  const json = async (args: string[], env = admin) => {
    const r = await vendo([...args, "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  it("creates, credits (idempotently) and lists a tenant", async () => {
    const tenant = await json(["tenants", "create", "cli-co"]);
    assert.match(tenant.id, /^ten_/);
    const first = await json(["credits", "add", tenant.id, "5.25", "--idempotency-key", "cli-1"]);
    assert.equal(first.created, true);
    const again = await json(["credits", "add", tenant.id, "5.25", "--idempotency-key", "cli-1"]);
    assert.equal(again.created, false);
    assert.equal(again.balance.balance, "5.25");
    const listed = await json(["tenants", "list"]);
    assert.ok(listed.some((t: { id: string; balance: { balance: string } }) => t.id === tenant.id && t.balance.balance === "5.25"));

    const generated = await vendo(["credits", "add", tenant.id, "1"]);
    assert.equal(generated.code, 0);
    assert.match(generated.stdout, /idempotency key: [0-9a-f-]{36}/, "a generated key is printed");
  });

  it("mints a key, shows it once, lists without it, updates and disables it", async () => {
    const tenant = await json(["tenants", "create", "keyed-co"]);
    const created = await json(["keys", "create", "--tenant", tenant.id, "--name", "ci", "--limit", "2", "--limit-reset", "daily", "--rpm", "30", "--models", "a/b,c/d"]);
    assert.match(created.key, /^vendo_sk_/);
    assert.equal(created.allowed_origins, null, "no browser origin by default");
    assert.equal(created.fit_to_balance, false, "refusing (402) is the default");
    const forBrowsers = await json(["keys", "create", "--tenant", tenant.id, "--name", "web", "--allowed-origins", "*", "--fit-to-balance"]);
    assert.deepEqual(forBrowsers.allowed_origins, ["*"]);
    assert.equal(forBrowsers.fit_to_balance, true);
    assert.equal((await json(["keys", "update", forBrowsers.id, "--fit-to-balance", "off"])).fit_to_balance, false);
    assert.match((await vendo(["keys", "update", forBrowsers.id, "--fit-to-balance", "maybe"])).stderr, /--fit-to-balance expects on or off/);
    const listed = await vendo(["keys", "list", "--tenant", tenant.id, "--json"]);
    assert.ok(!listed.stdout.includes(created.key));
    assert.deepEqual(JSON.parse(listed.stdout).map((k: { id: string }) => k.id).sort(), [created.id, forBrowsers.id].sort());
    const table = await vendo(["keys", "list", "--tenant", tenant.id]);
    assert.match(table.stdout, /^ID\s+NAME\s+PREFIX/m);
    assert.ok(!table.stdout.includes(created.key));

    const updated = await json(["keys", "update", created.id, "--limit", "none", "--rpm", "none", "--models", "all"]);
    assert.deepEqual([updated.limit, updated.rpm, updated.models], [null, null, null]);
    const browser = await json(["keys", "update", created.id, "--allowed-origins", "https://app.example.com,http://localhost:5173"]);
    assert.deepEqual(browser.allowed_origins, ["https://app.example.com", "http://localhost:5173"]);
    const shown = await vendo(["keys", "get", created.id]);
    assert.match(shown.stdout, /allowed_origins\s+https:\/\/app\.example\.com,http:\/\/localhost:5173/);
    const serverOnly = await json(["keys", "update", created.id, "--allowed-origins", "none"]);
    assert.equal(serverOnly.allowed_origins, null);
    const refused = await vendo(["keys", "update", created.id, "--allowed-origins", "https://app.example.com/path"]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /allowed_origins/);
    const disabled = await vendo(["keys", "disable", created.id]);
    assert.equal(disabled.code, 0);
    assert.match(disabled.stdout, /is disabled/);
  });

  it("creates a deployment, connects openrouter and prints its env masked unless --reveal", async () => {
    const tenant = await json(["tenants", "create", "deploying-co"]);
    const deployment = await json(["deployments", "create", "web", "--tenant", tenant.id]);
    const connected = await json(["connect", deployment.id, "openrouter"]);
    const key = connected.api_key as string;
    const masked = await vendo(["env", deployment.id]);
    assert.equal(masked.code, 0);
    assert.match(masked.stdout, /^OPENROUTER_API_KEY=vendo_sk_\w{4}…$/m);
    assert.match(masked.stdout, new RegExp(`^OPENROUTER_BASE_URL=${h().url}/proxy/openrouter/v1$`, "m"));
    assert.ok(!masked.stdout.includes(key));
    const revealed = await vendo(["env", deployment.id, "--reveal", "--format", "json"]);
    assert.equal(JSON.parse(revealed.stdout).OPENROUTER_API_KEY, key);
    const shell = await vendo(["env", deployment.id, "--format", "shell"]);
    assert.match(shell.stdout, /^export OPENROUTER_BASE_URL=/m);
    const token = await vendo(["deployments", "token", deployment.id]);
    assert.ok(!token.stdout.includes(deployment.token), "the token is masked unless --reveal");
  });

  it("fails with one clear line and a non-zero exit code", async () => {
    const missing = await vendo(["tenants", "get", "ten_missing"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim().split("\n").length, 1);
    assert.match(missing.stderr, /^vendo: error: .*HTTP 404.*Tenant ten_missing not found/);
    assert.ok(!/\bat \S+:\d+/.test(missing.stderr), "no stack trace");

    const noCredentials = await vendo(["tenants", "list"], cliEnv({ VENDO_API_URL: h().url }));
    assert.equal(noCredentials.code, 1);
    assert.match(noCredentials.stderr, /^vendo: error: No credentials: set VENDO_ADMIN_TOKEN/);

    const unreachable = await vendo(["tenants", "list"], cliEnv({ VENDO_API_URL: "http://127.0.0.1:9", VENDO_ADMIN_TOKEN: "x" }));
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /Cannot reach the control API at http:\/\/127\.0\.0\.1:9/);
    assert.equal(unreachable.stderr.trim().split("\n").length, 1);

    const badAmount = await vendo(["credits", "add", "ten_x", "1.5.5"]);
    assert.equal(badAmount.code, 1);
    assert.match(badAmount.stderr, /body\.amount/);

    const unknown = await vendo(["frobnicate"]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  });

  it("uses a management key for its own tenant and is refused operator verbs", async () => {
    const tenant = await json(["tenants", "create", "self-serve"]);
    const mk = await json(["tenants", "management-key", tenant.id]);
    const tenantEnv = cliEnv({ VENDO_API_URL: h().url, VENDO_MANAGEMENT_KEY: mk.key });
    const own = await json(["tenants", "get"], tenantEnv);
    assert.equal(own.id, tenant.id);
    const usage = await json(["usage", "--group-by", "model"], tenantEnv);
    assert.equal(usage.tenant_id, tenant.id);
    const refused = await vendo(["tenants", "list"], tenantEnv);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /HTTP 403/);
  });

  it("prints help everywhere and respects NO_COLOR", async () => {
    for (const args of [["--help"], ["keys", "--help"], ["keys", "create", "--help"], ["run", "--help"], ["env", "--help"]]) {
      const r = await vendo(args);
      assert.equal(r.code, 0, args.join(" "));
      assert.match(r.stdout, /^Usage: vendo/);
    }
    const colored = await vendo(["tenants", "list"], { ...admin, NO_COLOR: "", FORCE_COLOR: "1" });
    assert.ok(colored.stdout.includes("\x1b["), "FORCE_COLOR colours the table header");
    const plain = await vendo(["tenants", "list"], { ...admin, NO_COLOR: "1", FORCE_COLOR: "1" });
    assert.ok(!plain.stdout.includes("\x1b["), "NO_COLOR wins");
  });
});
