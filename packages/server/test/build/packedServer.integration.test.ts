// Built for production: `npm pack` of the server (its prepack compiles dist/ with tsc), installed
// into an empty folder with no dev dependencies, runs `npx vendo` as compiled JavaScript (no
// TypeScript loader): --version, start, a metered call through its proxy, doctor, a clean stop.
// Also checks that `engines` is true: every installed package accepts the oldest Node we claim.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import semver from "semver";
import { startSandbox, type Sandbox } from "@vendo/sandbox";
import { cliEnv, type VendoResult } from "../cli/support/runVendo.js";
import { startVendoProcess, type VendoProcess } from "../support/vendoProcess.js";

const run = promisify(execFile);
const serverDir = fileURLToPath(new URL("../../", import.meta.url));
const serverPackage = JSON.parse(readFileSync(join(serverDir, "package.json"), "utf8")) as { version: string; engines: { node: string } };
const ADMIN = "packed-admin-token";
const POOL_KEY = "sk-or-packed-pool-key";

/** Every package.json under node_modules (scoped and nested included). */
function installedPackages(nodeModules: string, out: Array<{ name: string; version: string; engines?: { node?: string } }> = []) {
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith(".")) continue;
    const dir = join(nodeModules, name);
    if (name.startsWith("@")) {
      installedPackages(dir, out);
      continue;
    }
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) out.push(JSON.parse(readFileSync(manifest, "utf8")));
    if (existsSync(join(dir, "node_modules"))) installedPackages(join(dir, "node_modules"), out);
  }
  return out;
}

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) filesUnder(full, out);
    else out.push(full);
  }
  return out;
}

describe("the packed server, installed into an empty folder", { timeout: 900_000 }, () => {
  let work: string;
  let app: string;
  let sandbox: Sandbox;
  let vendo: VendoProcess | undefined;
  const npx = (args: readonly string[], env: NodeJS.ProcessEnv) => {
    // Its own process group: npx runs vendo through a shell and does not pass signals on, so the
    // test signals the whole group (as a terminal's Ctrl-C or a supervisor would).
    const child = spawn("npx", ["--no", "--", "vendo", ...args], { cwd: app, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const result = new Promise<VendoResult>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : 1), stdout, stderr }));
    });
    return { child, result };
  };
  const env = (vars: Record<string, string> = {}) =>
    cliEnv({ VENDO_DATA_DIR: join(work, "data"), VENDO_ADMIN_TOKEN: ADMIN, VENDO_UPSTREAM_OPENROUTER_URL: sandbox.upstreamUrls.openrouter, VENDO_UPSTREAM_OPENAI_URL: sandbox.upstreamUrls.openai, VENDO_UPSTREAM_ANTHROPIC_URL: sandbox.upstreamUrls.anthropic, VENDO_UPSTREAM_TAVILY_URL: sandbox.upstreamUrls.tavily, PORT: "0", VENDO_LOG_LEVEL: "warn", ...vars });

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "vendo-pack-"));
    app = join(work, "app");
    sandbox = await startSandbox({ keys: [POOL_KEY] });
    // npm pack runs the package's prepack: the production build.
    const packed = await run("npm", ["pack", "--pack-destination", work, "--silent"], { cwd: serverDir, maxBuffer: 1 << 26 });
    const tarball = join(work, packed.stdout.trim().split("\n").pop() as string);
    assert.ok(existsSync(tarball), `npm pack made no ${tarball}`);
    await run("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "empty", private: true }));
    await run("npm", ["install", tarball, "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: app, maxBuffer: 1 << 26 });
  });

  after(async () => {
    if (vendo?.child.pid) process.kill(-vendo.child.pid, "SIGKILL");
    await sandbox?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("holds compiled JavaScript only, and no dev dependency (no TypeScript loader)", () => {
    const installed = join(app, "node_modules", "@vendo", "server");
    assert.ok(existsSync(join(installed, "dist", "cli", "main.js")));
    assert.ok(!existsSync(join(installed, "src")), "src/ was packed");
    const typescript = filesUnder(installed).filter((f) => /\.(ts|mts|cts)$/.test(f) && !f.endsWith(".d.ts"));
    assert.deepEqual(typescript, [], "TypeScript sources in the package");
    for (const dev of ["tsx", "typescript", "eslint", "esbuild"]) assert.ok(!existsSync(join(app, "node_modules", dev)), `${dev} was installed`);
  });

  it("engines is true: every installed package accepts the oldest Node the server claims", () => {
    const oldest = semver.minVersion(serverPackage.engines.node);
    assert.ok(oldest, serverPackage.engines.node);
    assert.ok(semver.satisfies(process.version, serverPackage.engines.node), `this Node ${process.version} is outside engines ${serverPackage.engines.node}`);
    const refusing = installedPackages(join(app, "node_modules"))
      .filter((p) => p.engines?.node && !semver.satisfies(oldest, p.engines.node))
      .map((p) => `${p.name}@${p.version} wants node ${p.engines?.node}`);
    assert.deepEqual(refusing, [], `engines ${serverPackage.engines.node} is not true`);
  });

  it("`npx vendo --version` prints the package's version", async () => {
    const { code, stdout } = await npx(["--version"], env()).result;
    assert.equal(code, 0);
    assert.equal(stdout.trim(), serverPackage.version);
  });

  it("`npx vendo start` serves a metered call through its proxy, then stops cleanly on SIGTERM", async () => {
    let exited!: Promise<VendoResult>;
    vendo = await startVendoProcess(env(), ["start"], (args, e) => {
      const started = npx(args, e);
      exited = started.result;
      return started;
    });
    const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(vendo?.url + path, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json", ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, never> };
    };
    assert.equal((await api("POST", "/api/v1/pool-credentials", { integration: "openrouter", secret: POOL_KEY })).status, 201);
    const tenant = await api("POST", "/api/v1/tenants", { name: "packed" });
    assert.equal((await api("POST", `/api/v1/tenants/${tenant.body.id}/credits`, { amount: "1" }, { "idempotency-key": "packed-1" })).status, 201);
    const key = await api("POST", "/api/v1/keys", { tenant_id: tenant.body.id, name: "packed", integration: "openrouter" });
    const res = await fetch(`${vendo.url}/proxy/openrouter/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.body.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", max_tokens: 5, messages: [{ role: "user", content: "hello" }] }),
    });
    const answer = (await res.json()) as { usage?: { cost?: number } };
    assert.equal(res.status, 200, JSON.stringify(answer));
    // The dashboard's built page ships in the package and is served.
    const page = await fetch(`${vendo.url}/dashboard`);
    assert.equal(page.status, 200);
    const script = /src="(\/dashboard\/assets\/app-[^"]+\.js)"/.exec(await page.text())?.[1];
    assert.ok(script, "the dashboard page names its script");
    assert.equal((await fetch(vendo.url + script)).status, 200);
    assert.ok((answer.usage?.cost ?? 0) > 0, "the call was metered");
    // The compiled adapters and the catalog's data: a call through another integration's adapter.
    assert.equal((await api("POST", "/api/v1/pool-credentials", { integration: "anthropic", secret: POOL_KEY })).status, 201);
    const anthropicKey = await api("POST", "/api/v1/keys", { tenant_id: tenant.body.id, name: "packed-anthropic", integration: "anthropic" });
    const message = await fetch(`${vendo.url}/proxy/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": String(anthropicKey.body.key), "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "hello" }] }),
    });
    const reply = (await message.json()) as { type?: string; usage?: { output_tokens?: number } };
    assert.equal(message.status, 200, JSON.stringify(reply));
    assert.equal(reply.type, "message");

    const doctor = await npx(["doctor"], env()).result;
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    assert.match(doctor.stdout, /upstream openrouter .* answers/);
    for (const slug of ["openai", "anthropic", "tavily"]) assert.match(doctor.stdout, new RegExp(`upstream ${slug} .* answers`));

    const group = vendo.child.pid as number;
    vendo = undefined;
    process.kill(-group, "SIGTERM");
    const stopped = await exited;
    assert.match(stopped.stdout, /SIGTERM: shutting down/);
    assert.doesNotMatch(stopped.stderr, /tsx|\.ts:\d|\n\s+at /);
  });
});
