// vendo.token(slug) without the network: code value, env var in either mode, and the errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Vendo, type IntegrationSlug } from "../src/index.ts";
import { integrations } from "../src/integrations.generated.ts";
import { rejectsWith } from "./support.ts";

const vendoMode = { VENDO_MODE: "vendo", VENDO_DEPLOYMENT_ID: "dep_1" };

describe("vendo.token(slug)", () => {
  it("resolves every integration of the catalog by its own env vars, in both modes", async () => {
    assert.deepEqual(Object.keys(integrations).sort(), ["anthropic", "openai", "openrouter", "tavily"]);
    for (const [slug, facts] of Object.entries(integrations) as Array<[IntegrationSlug, (typeof integrations)[IntegrationSlug]]>) {
      assert.equal(await new Vendo({ env: { [facts.tokenEnv]: `own-${slug}` } }).token(slug), `own-${slug}`);
      assert.equal(await new Vendo({ env: { ...vendoMode, [facts.tokenEnv]: `vendo_sk_${slug}` } }).token(slug), `vendo_sk_${slug}`);
      assert.equal(await new Vendo({ env: {} }).baseUrl(slug), facts.providerBaseUrl);
    }
  });

  it("1. returns the value passed in code, in either mode, over the env var", async () => {
    const tokens = { openrouter: "from-code" };
    assert.equal(await new Vendo({ tokens, env: { OPENROUTER_API_KEY: "from-env" } }).token("openrouter"), "from-code");
    assert.equal(await new Vendo({ tokens, env: { ...vendoMode, OPENROUTER_API_KEY: "vendo_sk_env" } }).token("openrouter"), "from-code");
  });

  it("1. ignores an empty value passed in code", async () => {
    const vendo = new Vendo({ tokens: { openrouter: "" }, env: { OPENROUTER_API_KEY: "sk-or-mine" } });
    assert.equal(await vendo.token("openrouter"), "sk-or-mine");
  });

  it("2. Vendo mode: the injected OPENROUTER_API_KEY", async () => {
    const vendo = new Vendo({ env: { ...vendoMode, OPENROUTER_API_KEY: "vendo_sk_injected" } });
    assert.equal(await vendo.token("openrouter"), "vendo_sk_injected");
  });

  it("3. OSS mode: OPENROUTER_API_KEY as the user set it", async () => {
    assert.equal(await new Vendo({ env: { OPENROUTER_API_KEY: "sk-or-mine" } }).token("openrouter"), "sk-or-mine");
  });

  it("4. OSS mode with nothing set: MISSING_TOKEN naming the env var and the mode", async () => {
    await rejectsWith(new Vendo({ env: {} }).token("openrouter"), "MISSING_TOKEN", /OPENROUTER_API_KEY/, /OSS mode/);
    await rejectsWith(new Vendo({ env: { OPENROUTER_API_KEY: "" } }).token("openrouter"), "MISSING_TOKEN", /OPENROUTER_API_KEY/);
  });

  it("2. Vendo mode without the env var or a control API: CONTROL_API_UNCONFIGURED naming what is missing", async () => {
    await rejectsWith(
      new Vendo({ env: { VENDO_MODE: "vendo" } }).token("openrouter"),
      "CONTROL_API_UNCONFIGURED",
      /OPENROUTER_API_KEY is not set in Vendo mode/,
      /VENDO_API_URL, VENDO_DEPLOYMENT_ID, VENDO_DEPLOYMENT_TOKEN \(or VENDO_MANAGEMENT_KEY\) are not set/,
    );
    await rejectsWith(
      new Vendo({ env: { ...vendoMode, VENDO_MANAGEMENT_KEY: "vendo_mk_x" } }).token("openrouter"),
      "CONTROL_API_UNCONFIGURED",
      /: VENDO_API_URL is not set\.$/,
    );
    await rejectsWith(
      new Vendo({ env: { ...vendoMode, VENDO_API_URL: "http://127.0.0.1:1", VENDO_DEPLOYMENT_TOKEN: "" } }).token("openrouter"),
      "CONTROL_API_UNCONFIGURED",
      /: VENDO_DEPLOYMENT_TOKEN \(or VENDO_MANAGEMENT_KEY\) is not set\.$/,
    );
  });

  it("rejects an unknown slug with UNKNOWN_INTEGRATION listing the known ones", async () => {
    await rejectsWith(new Vendo({ env: {} }).token("nope" as IntegrationSlug), "UNKNOWN_INTEGRATION", /"nope"/, /openrouter/);
    await rejectsWith(new Vendo({ env: {} }).token("constructor" as IntegrationSlug), "UNKNOWN_INTEGRATION");
  });

  it("runs the seed page's TypeScript quickstart as written", async () => {
    const saved = process.env.OPENROUTER_API_KEY;
    process.env.OPENROUTER_API_KEY = "vendo_sk_quickstart";
    try {
      const vendo = new Vendo();
      const openrouterToken = await vendo.token("openrouter");
      assert.equal(openrouterToken, "vendo_sk_quickstart");
    } finally {
      if (saved === undefined) delete process.env.OPENROUTER_API_KEY;
      else process.env.OPENROUTER_API_KEY = saved;
    }
  });
});
