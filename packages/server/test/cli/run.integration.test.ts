// Issue 5, `vendo run` (boot injection) through the real binary against a real server: the env
// the child starts with, the exit code and signals it passes through, and the SDK's control-API
// fallback from inside the child. Children are small `node -e` scripts that report what they see.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { before, it } from "node:test";
import { ADMIN_TOKEN, connectedDeployment, describeOnStores } from "../control/support/controlHarness.js";
import { cliEnv, runVendo, spawnVendo, type VendoResult } from "./support/runVendo.js";

/** The boot vars of DESIGN §3, plus the deployment token the SDK asks the control API with. */
const BOOT_VARS = ["VENDO_MODE", "VENDO_DEPLOYMENT_ID", "VENDO_API_URL", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "VENDO_DEPLOYMENT_TOKEN"];
/** The caller's own credentials: the app must never inherit them. */
const CALLER_VARS = ["VENDO_ADMIN_TOKEN", "VENDO_MANAGEMENT_KEY"];

// A child that prints the variables it was started with, as JSON (null when unset).
const PRINT_ENV = `const names = ${JSON.stringify([...BOOT_VARS, ...CALLER_VARS])};
console.log(JSON.stringify(Object.fromEntries(names.map((n) => [n, process.env[n] ?? null]))));`;

// A child that waits for SIGTERM, says so and exits 42: a forwarded signal is visible in both.
const TRAP_SIGTERM = `process.on("SIGTERM", () => { console.log("child got SIGTERM"); process.exit(42); });
setInterval(() => {}, 1000);
console.log("ready");`;

// A child that runs in Vendo mode without the injected key: the SDK must ask the control API.
const SDK_TOKEN = `delete process.env.OPENROUTER_API_KEY;
delete process.env.OPENROUTER_BASE_URL;
const { Vendo } = await import("@vendodev/sdk");
const vendo = new Vendo();
console.log(JSON.stringify({ mode: vendo.mode, token: await vendo.token("openrouter"), baseUrl: await vendo.baseUrl("openrouter") }));`;

const node = (script: string) => [process.execPath, "--input-type=module", "-e", script];

describeOnStores("vendo run: boot injection", (h) => {
  let tenant: { id: string; key: string };
  let deployment: { id: string; token: string; apiKey: string };
  let admin: NodeJS.ProcessEnv;

  before(async () => {
    tenant = await h().tenant("runner");
    deployment = await connectedDeployment(h(), tenant.key, "run-app");
    admin = cliEnv({ VENDO_API_URL: h().url, VENDO_ADMIN_TOKEN: ADMIN_TOKEN });
  });

  const run = (child: string[], env = admin) => runVendo(["run", "--deployment", deployment.id, "--", ...child], env);
  const envSeen = (r: VendoResult): Record<string, string | null> => {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  it("starts the child with the deployment's env, and without the caller's credentials", async () => {
    // The operator, the tenant (management key) and the deployment itself (its token only) may
    // each start the app; the child sees the same env whoever did.
    const callers: Array<[string, NodeJS.ProcessEnv]> = [
      ["operator", admin],
      ["tenant", cliEnv({ VENDO_API_URL: h().url, VENDO_MANAGEMENT_KEY: tenant.key })],
      ["deployment", cliEnv({ VENDO_API_URL: h().url, VENDO_DEPLOYMENT_TOKEN: deployment.token })],
    ];
    for (const [who, env] of callers) {
      const seen = envSeen(await run(node(PRINT_ENV), env));
      assert.deepEqual(
        seen,
        {
          VENDO_MODE: "vendo",
          VENDO_DEPLOYMENT_ID: deployment.id,
          VENDO_API_URL: h().url,
          OPENROUTER_API_KEY: deployment.apiKey,
          OPENROUTER_BASE_URL: `${h().url}/proxy/openrouter/v1`,
          VENDO_DEPLOYMENT_TOKEN: deployment.token,
          VENDO_ADMIN_TOKEN: null,
          VENDO_MANAGEMENT_KEY: null,
        },
        `started by the ${who}`,
      );
    }
  });

  it("gives the child a deployment token that reads its own env and nothing else", async () => {
    const token = envSeen(await run(node(PRINT_ENV))).VENDO_DEPLOYMENT_TOKEN as string;
    assert.equal((await h().call("GET", `/api/v1/deployments/${deployment.id}/env?reveal=true`, { as: token })).status, 200);
    const other = await connectedDeployment(h(), tenant.key, "other-app");
    for (const path of [`/api/v1/deployments/${other.id}/env`, `/api/v1/deployments/${deployment.id}`, `/api/v1/tenants/${tenant.id}/balance`, "/api/v1/keys"]) {
      assert.equal((await h().call("GET", path, { as: token })).status, 403, path);
    }
  });

  it("exits with the child's exit code", async () => {
    for (const code of [0, 7, 1]) {
      const r = await run(node(`process.exit(${code})`));
      assert.equal(r.code, code, r.stderr);
    }
    const missing = await run(["vendo-no-such-command"]);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /Command not found: vendo-no-such-command/);
  });

  it("forwards SIGTERM to the child and exits as the child did", async () => {
    // The child handles the signal: vendo run exits with the code the child chose.
    const trapped = spawnVendo(["run", "--deployment", deployment.id, "--", ...node(TRAP_SIGTERM)], admin);
    await outputContains(trapped.child, "ready");
    trapped.child.kill("SIGTERM");
    const r = await trapped.result;
    assert.equal(r.code, 42, r.stderr);
    assert.match(r.stdout, /child got SIGTERM/);

    // The child does not: it dies of the forwarded signal, reported as a shell does (128 + 15).
    const plain = spawnVendo(["run", "--deployment", deployment.id, "--", ...node(`setInterval(() => {}, 1000); console.log("ready");`)], admin);
    await outputContains(plain.child, "ready");
    plain.child.kill("SIGTERM");
    assert.equal((await plain.result).code, 143);
  });

  it("lets the SDK inside the child get the deployment's key from the control API when the env var is gone", async () => {
    const r = await run(node(SDK_TOKEN));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { mode: "vendo", token: deployment.apiKey, baseUrl: `${h().url}/proxy/openrouter/v1` });
  });
});

/** Resolves once the child's stdout has contained `text` (the child announces it is ready). */
function outputContains(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: string | Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        child.stdout?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited (${code}) before printing "${text}"`)));
  });
}
