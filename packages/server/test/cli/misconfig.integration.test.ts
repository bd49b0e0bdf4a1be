// Misconfiguration stops `vendo start` with one clear line on stderr and exit code 1, never a
// stack trace: a bad PORT, DATABASE_URL without VENDO_SECRET_KEY, unreachable Redis, a bad upstream
// URL, an unreachable PostgreSQL, a port in use. And `vendo --version`, `vendo doctor`.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startSandbox, type Sandbox } from "@vendo/sandbox";
import { cliEnv, runVendo } from "./support/runVendo.js";

const KEY = "e".repeat(64);

describe("vendo start: misconfiguration is one line and exit code 1", () => {
  let dataDir: string;
  let closedPort: number;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "vendo-misconfig-"));
    // A port nothing listens on: bind one, note it, close it.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const cases: Array<[string, Record<string, string>, string[], RegExp]> = [
    ["a bad PORT", { PORT: "eighty" }, [], /^vendo: error: PORT must be a whole number from 0 to 65535 \(got "eighty"\)\.$/],
    ["a bad --port", {}, ["--port", "99999"], /^vendo: error: --port must be a whole number from 0 to 65535 \(got "99999"\)\.$/],
    ["DATABASE_URL without VENDO_SECRET_KEY", { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" }, [], /^vendo: error: VENDO_SECRET_KEY is required with DATABASE_URL/],
    ["a bad upstream URL", { VENDO_UPSTREAM_OPENROUTER_URL: "127.0.0.1:8787/api" }, [], /^vendo: error: VENDO_UPSTREAM_OPENROUTER_URL must be a URL starting with http:\/\/ or https:\/\//],
    ["an upstream variable for no integration", { VENDO_UPSTREAM_OPENRUTER_URL: "http://x" }, [], /^vendo: error: VENDO_UPSTREAM_OPENRUTER_URL names no integration/],
    ["a secret key of the wrong size", { VENDO_SECRET_KEY: "abc" }, [], /^vendo: error: VENDO_SECRET_KEY must be 32 bytes/],
  ];
  for (const [what, vars, args, expected] of cases) {
    it(what, async () => {
      const { code, stdout, stderr } = await runVendo(["start", ...args], cliEnv({ VENDO_DATA_DIR: dataDir, ...vars }));
      assert.equal(code, 1);
      assert.equal(stdout, "");
      assert.match(stderr.trimEnd(), expected);
      assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
    });
  }

  it("unreachable Redis", async () => {
    const { code, stderr } = await runVendo(["start"], cliEnv({ VENDO_DATA_DIR: dataDir, PORT: "0", REDIS_URL: `redis://:hunter2@127.0.0.1:${closedPort}` }));
    assert.equal(code, 1);
    assert.equal(stderr.trimEnd(), `vendo: error: REDIS_URL: cannot reach Redis at 127.0.0.1:${closedPort} (ECONNREFUSED).`);
  });

  it("unreachable PostgreSQL", async () => {
    const { code, stderr } = await runVendo(["start"], cliEnv({ PORT: "0", VENDO_SECRET_KEY: KEY, DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${closedPort}/test` }));
    assert.equal(code, 1);
    assert.equal(stderr.trimEnd(), "vendo: error: DATABASE_URL: cannot open the store (ECONNREFUSED).");
  });

  it("a port in use", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as { port: number }).port;
    try {
      const { code, stderr } = await runVendo(["start"], cliEnv({ VENDO_DATA_DIR: dataDir, PORT: String(port) }));
      assert.equal(code, 1);
      assert.equal(stderr.trimEnd(), `vendo: error: PORT: 127.0.0.1:${port} is in use (pass --port N; 0 picks a free one).`);
    } finally {
      busy.close();
    }
  });
});

describe("vendo --version and vendo doctor", () => {
  let sandbox: Sandbox;
  let dataDir: string;
  before(async () => {
    sandbox = await startSandbox({ keys: ["sk-or-doctor"] });
    dataDir = mkdtempSync(join(tmpdir(), "vendo-doctor-"));
  });
  after(async () => {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("--version prints the server package's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const { code, stdout } = await runVendo(["--version"], cliEnv({}));
    assert.equal(code, 0);
    assert.equal(stdout.trim(), version);
  });

  it("doctor passes when the upstreams answer, and says which check failed when one does not", async () => {
    // Every integration of the catalog at the sandbox's imitation of it (this machine has no internet).
    const upstreams = {
      VENDO_UPSTREAM_OPENROUTER_URL: sandbox.upstreamUrls.openrouter,
      VENDO_UPSTREAM_OPENAI_URL: sandbox.upstreamUrls.openai,
      VENDO_UPSTREAM_ANTHROPIC_URL: sandbox.upstreamUrls.anthropic,
      VENDO_UPSTREAM_TAVILY_URL: sandbox.upstreamUrls.tavily,
    };
    const good = await runVendo(["doctor"], cliEnv({ VENDO_DATA_DIR: dataDir, ...upstreams }));
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /^ok\s+config/m);
    assert.match(good.stdout, /^ok\s+upstream openrouter\s+.*\/api\/v1\/models answers/m);
    assert.match(good.stdout, /^ok\s+upstream openai\s+.*\/v1\/models answers \(401\)/m, "it needs a key, as OpenAI's does");
    assert.match(good.stdout, /^ok\s+upstream anthropic\s+.*\/v1\/models answers/m);
    assert.match(good.stdout, /^ok\s+upstream tavily\s+.*answers/m);

    const bad = await runVendo(["doctor"], cliEnv({ VENDO_DATA_DIR: dataDir, ...upstreams, VENDO_UPSTREAM_OPENROUTER_URL: "http://127.0.0.1:1/api", REDIS_URL: "redis://127.0.0.1:1" }));
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^FAIL upstream openrouter\s+http:\/\/127\.0\.0\.1:1\/api\/v1\/models \(from VENDO_UPSTREAM_OPENROUTER_URL\) does not answer \(ECONNREFUSED\)$/m);
    assert.match(bad.stdout, /^FAIL redis\s+REDIS_URL: cannot reach Redis at 127\.0\.0\.1:1 \(ECONNREFUSED\)\.$/m);
    assert.equal(bad.stderr.trim(), "vendo: error: vendo doctor: 2 checks failed (redis, upstream openrouter).");

    const misconfigured = await runVendo(["doctor"], cliEnv({ PORT: "nope" }));
    assert.equal(misconfigured.code, 1);
    assert.match(misconfigured.stdout, /^FAIL config\s+PORT must be a whole number/m);
  });
});
