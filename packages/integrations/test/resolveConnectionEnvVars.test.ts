import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CatalogError, getIntegration, loadIntegrationFile, resolveConnectionEnvVars, type CatalogErrorCode, type Integration } from "../src/index.ts";
import { weatherFixture } from "./support/tempCatalog.ts";

const openrouter = getIntegration("openrouter");
const weather = loadIntegrationFile(fileURLToPath(weatherFixture));
const context = { proxyUrl: "https://openrouter-proxy.vendo.run", apiKey: "vendo_sk_0123456789abcdefghijABCDEFGHIJ" };
const upstreamKey = "sk-or-v1-tenant-own-upstream-key";

function rejects(code: CatalogErrorCode, message: RegExp, run: () => unknown): void {
  assert.throws(run, (err) => err instanceof CatalogError && err.code === code && message.test(err.message));
}

describe("resolveConnectionEnvVars", () => {
  it("managed pool: the Vendo key and the proxy base URL, secret flags from the catalog", () => {
    assert.deepEqual(resolveConnectionEnvVars(openrouter, { profile: "vendo_managed_pool" }, context), [
      { name: "OPENROUTER_API_KEY", value: context.apiKey, secret: true },
      { name: "OPENROUTER_BASE_URL", value: "https://openrouter-proxy.vendo.run/v1", secret: false },
    ]);
  });

  it("bring your own key: still the vendo_sk_ key; the upstream credential appears in no value", () => {
    const vars = resolveConnectionEnvVars(openrouter, { profile: "bring_your_own_key", credential: upstreamKey }, context);
    assert.equal(vars.find((v) => v.name === "OPENROUTER_API_KEY")?.value, context.apiKey);
    assert.deepEqual(vars.map((v) => v.name), ["OPENROUTER_API_KEY", "OPENROUTER_BASE_URL"]);
    for (const v of vars) assert.ok(!v.value.includes(upstreamKey), `${v.name} leaks the upstream credential`);
  });

  it("bring your own key without a credential: MISSING_CREDENTIAL", () => {
    rejects("MISSING_CREDENTIAL", /bring_your_own_key.*openrouter/, () =>
      resolveConnectionEnvVars(openrouter, { profile: "bring_your_own_key" }, context),
    );
    rejects("MISSING_CREDENTIAL", /bring_your_own_key/, () =>
      resolveConnectionEnvVars(openrouter, { profile: "bring_your_own_key", credential: "" }, context),
    );
  });

  it("an unknown profile: UNKNOWN_PROFILE listing the profiles", () => {
    rejects("UNKNOWN_PROFILE", /"byok".*vendo_managed_pool, bring_your_own_key/, () =>
      resolveConnectionEnvVars(openrouter, { profile: "byok" }, context),
    );
  });

  it("a missing proxyUrl or apiKey: MISSING_CONTEXT naming the var and the field", () => {
    rejects("MISSING_CONTEXT", /OPENROUTER_BASE_URL.*proxyUrl/, () =>
      resolveConnectionEnvVars(openrouter, { profile: "vendo_managed_pool" }, { ...context, proxyUrl: "" }),
    );
    rejects("MISSING_CONTEXT", /OPENROUTER_API_KEY.*apiKey/, () =>
      resolveConnectionEnvVars(openrouter, { profile: "vendo_managed_pool" }, { ...context, apiKey: "" }),
    );
  });

  it("strips trailing slashes from proxyUrl before appending basePath", () => {
    const vars = resolveConnectionEnvVars(openrouter, { profile: "vendo_managed_pool" }, { ...context, proxyUrl: "http://127.0.0.1:8080/proxy/openrouter//" });
    assert.equal(vars[1]?.value, "http://127.0.0.1:8080/proxy/openrouter/v1");
  });

  it("metadata source: the connection's metadata value", () => {
    const vars = resolveConnectionEnvVars(weather, { profile: "vendo_managed_pool", metadata: { region: "us-east" } }, context);
    assert.deepEqual(vars.find((v) => v.name === "WEATHERLY_REGION"), { name: "WEATHERLY_REGION", value: "us-east", secret: false });
  });

  it("metadata source without the value: MISSING_METADATA naming the key", () => {
    rejects("MISSING_METADATA", /WEATHERLY_REGION.*metadata\.region/, () =>
      resolveConnectionEnvVars(weather, { profile: "vendo_managed_pool" }, context),
    );
    rejects("MISSING_METADATA", /metadata\.region/, () =>
      resolveConnectionEnvVars(weather, { profile: "vendo_managed_pool", metadata: { zone: "a" } }, context),
    );
  });

  it("leaves out vars that do not apply to the connection's profile", () => {
    const twoProfiles: Integration = {
      ...weather,
      profiles: [...weather.profiles, { ...weather.profiles[0]!, id: "byo", default: false, credential: "tenant" }],
    };
    const vars = resolveConnectionEnvVars(twoProfiles, { profile: "byo", credential: "k", metadata: { region: "eu" } }, context);
    assert.deepEqual(vars.map((v) => v.name), ["WEATHERLY_KEY", "WEATHERLY_REGION"]);
  });
});
