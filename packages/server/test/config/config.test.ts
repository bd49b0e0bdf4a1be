// The settings table: every value validated with a message naming its variable (or flag), flags
// over env over defaults, upstream URLs per integration, the secret key required with PostgreSQL,
// and docs/configuration.md equal to what the table renders.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../../../integrations/src/generate/generatedFiles.ts";
import { ConfigError, resolveConfig } from "../../src/config.ts";
import { CONFIGURATION_DOC_PATH, renderConfigurationDoc } from "../../src/config/configurationDoc.ts";
import { settings } from "../../src/config/settings.ts";

const KEY = "d".repeat(64);
const base = { VENDO_SECRET_KEY: KEY };

function failure(env: NodeJS.ProcessEnv, flags: Record<string, string> = {}): ConfigError {
  try {
    resolveConfig({ env, flags });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${(err as Error).message}`);
    return err;
  }
  assert.fail(`accepted ${JSON.stringify(env)} ${JSON.stringify(flags)}`);
}

describe("configuration", () => {
  it("defaults: every setting with a default parses it", () => {
    const config = resolveConfig({ env: base });
    assert.equal(config.port, 8080);
    assert.equal(config.host, "127.0.0.1");
    assert.equal(config.pgPoolSize, 10);
    assert.equal(config.redisUrl, null);
    assert.equal(config.redisFailure, "open");
    assert.equal(config.changePollMs, 500);
    assert.equal(config.cacheMaxStaleMs, 30_000);
    assert.equal(config.sqlitePath, join(".vendo", "vendo.db"));
    assert.equal(config.secretKey.toString("hex"), KEY);
    assert.deepEqual(config.upstreams, {});
  });

  it("names the variable and what is wrong, in one line", () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ PORT: "abc" }, /^PORT must be a whole number from 0 to 65535 \(got "abc"\)\.$/],
      [{ PORT: "70000" }, /^PORT must be a whole number from 0 to 65535/],
      [{ VENDO_PG_POOL_SIZE: "0" }, /^VENDO_PG_POOL_SIZE must be a whole number from 1 to 1000/],
      [{ VENDO_LOG_LEVEL: "loud" }, /^VENDO_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
      [{ VENDO_REDIS_FAILURE: "maybe" }, /^VENDO_REDIS_FAILURE must be one of open, closed/],
      [{ REDIS_URL: "http://x" }, /^REDIS_URL must be a URL starting with redis:\/\/ or rediss:\/\/\.$/],
      [{ VENDO_PUBLIC_URL: "not a url" }, /^VENDO_PUBLIC_URL must be a URL/],
      [{ VENDO_PROXY_DOMAIN: "https://x.com" }, /^VENDO_PROXY_DOMAIN must be a host name/],
      [{ VENDO_PG_SCHEMA: "Bad-Name" }, /^VENDO_PG_SCHEMA must be a schema name/],
      [{ VENDO_UPSTREAM_OPENROUTER_URL: "localhost:8787" }, /^VENDO_UPSTREAM_OPENROUTER_URL must be a URL starting with http:\/\/ or https:\/\//],
      [{ VENDO_UPSTREAM_NOPE_URL: "http://x" }, /^VENDO_UPSTREAM_NOPE_URL names no integration \(known: VENDO_UPSTREAM_ANTHROPIC_URL, VENDO_UPSTREAM_OPENAI_URL, VENDO_UPSTREAM_OPENROUTER_URL, VENDO_UPSTREAM_TAVILY_URL\)\.$/],
      [{ VENDO_SECRET_KEY: "short" }, /^VENDO_SECRET_KEY must be 32 bytes/],
      [{ VENDO_SECRET_KEY_PREVIOUS: `${KEY},nope` }, /^VENDO_SECRET_KEY_PREVIOUS entry 2 must be 32 bytes/],
    ];
    for (const [env, expected] of cases) {
      const err = failure({ ...base, ...env });
      assert.match(err.message, expected);
      assert.doesNotMatch(err.message, /\n/);
    }
  });

  it("never repeats a secret value in an error", () => {
    const secret = "postgres-password-that-must-not-leak";
    const err = failure({ ...base, DATABASE_URL: `mysql://u:${secret}@h/db` });
    assert.match(err.message, /^DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\/\.$/);
    assert.doesNotMatch(err.message, new RegExp(secret));
    const short = failure({ VENDO_SECRET_KEY: "abcdef-secret" });
    assert.doesNotMatch(short.message, /abcdef-secret/);
  });

  it("refuses DATABASE_URL without VENDO_SECRET_KEY (each instance would generate its own)", () => {
    const err = failure({ DATABASE_URL: "postgres://u@h/db" });
    assert.equal(err.setting, "VENDO_SECRET_KEY");
    assert.match(err.message, /^VENDO_SECRET_KEY is required with DATABASE_URL/);
  });

  it("a flag wins over its variable, a code option over both; a bad flag is named as the flag", () => {
    assert.equal(resolveConfig({ env: { ...base, PORT: "1000" }, flags: { port: "2000" } }).port, 2000);
    assert.equal(resolveConfig({ env: { ...base, PORT: "1000" }, flags: { port: "2000" }, port: 3000 }).port, 3000);
    assert.match(failure({ ...base, PORT: "1000" }, { port: "x" }).message, /^--port must be a whole number/);
  });

  it("an upstream base URL per integration: env, --upstream flag, code option (trailing slash dropped)", () => {
    assert.deepEqual(resolveConfig({ env: { ...base, VENDO_UPSTREAM_OPENROUTER_URL: "http://127.0.0.1:8787/api/" } }).upstreams, { openrouter: "http://127.0.0.1:8787/api" });
    assert.deepEqual(resolveConfig({ env: base, flags: { upstream: ["openrouter=https://staging.example/api"] } }).upstreams, { openrouter: "https://staging.example/api" });
    assert.throws(() => resolveConfig({ env: base, flags: { upstream: ["openrouter"] } }), /--upstream expects <slug>=<url>/);
    assert.throws(() => resolveConfig({ env: base, upstreams: { weather: "http://x" } }), /names no integration 'weather'/);
  });

  it("a catalog folder (VENDO_CATALOG_DIR, --catalog-dir) replaces the shipped catalog; a bad one fails in one line", () => {
    const dir = mkdtempSync(join(tmpdir(), "vendo-catalog-"));
    try {
      copyFileSync(new URL("../../../integrations/test/fixtures/weather.json", import.meta.url), join(dir, "weatherly.json"));
      const config = resolveConfig({ env: { ...base, VENDO_CATALOG_DIR: dir, VENDO_UPSTREAM_WEATHERLY_URL: "http://127.0.0.1:9/" } });
      assert.deepEqual([...config.catalog.keys()], ["weatherly"]);
      assert.deepEqual(config.upstreams, { weatherly: "http://127.0.0.1:9" });
      assert.deepEqual([...resolveConfig({ env: base, flags: { catalogDir: dir } }).catalog.keys()], ["weatherly"]);
      assert.match(failure({ ...base, VENDO_CATALOG_DIR: dir, VENDO_UPSTREAM_OPENROUTER_URL: "http://x" }).message, /names no integration \(known: VENDO_UPSTREAM_WEATHERLY_URL\)/);
      writeFileSync(join(dir, "broken.json"), "{ not json");
      const err = failure({ ...base, VENDO_CATALOG_DIR: dir });
      assert.equal(err.setting, "VENDO_CATALOG_DIR");
      assert.match(err.message, /^VENDO_CATALOG_DIR .*broken\.json/);
      assert.doesNotMatch(err.message, /\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every setting has a unique env var, and every flag is unique", () => {
    const envs = Object.values(settings).map((s) => s.env);
    assert.equal(new Set(envs).size, envs.length);
    const flags = Object.values(settings).flatMap((s) => ("flag" in s ? [s.flag.split(" ")[0]] : []));
    assert.equal(new Set(flags).size, flags.length);
  });
});

describe("docs/configuration.md", () => {
  it("is generated from the settings table and committed up to date (run `npm run generate`)", () => {
    assert.equal(readFileSync(join(repoRoot, CONFIGURATION_DOC_PATH), "utf8"), renderConfigurationDoc());
  });

  it("lists every setting's variable", () => {
    const doc = renderConfigurationDoc();
    for (const spec of Object.values(settings)) assert.ok(doc.includes(`| \`${spec.env}\``), spec.env);
    assert.ok(doc.includes("VENDO_UPSTREAM_OPENROUTER_URL"));
  });
});
