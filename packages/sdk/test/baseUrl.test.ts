// vendo.baseUrl(slug) without the network.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Vendo, integrations, type IntegrationSlug } from "../src/index.ts";
import { rejectsWith } from "./support.ts";

const vendoMode = { VENDO_DEPLOYMENT_ID: "dep_1" };
const proxy = "https://openrouter-proxy.vendo.run/v1";

describe("vendo.baseUrl(slug)", () => {
  it("1. returns the value passed in code, in either mode", async () => {
    const baseUrls = { openrouter: "http://localhost:9/v1" };
    assert.equal(await new Vendo({ baseUrls, env: { OPENROUTER_BASE_URL: proxy } }).baseUrl("openrouter"), "http://localhost:9/v1");
    assert.equal(await new Vendo({ baseUrls, env: { ...vendoMode, OPENROUTER_BASE_URL: proxy } }).baseUrl("openrouter"), "http://localhost:9/v1");
  });

  it("2. Vendo mode: the injected OPENROUTER_BASE_URL", async () => {
    assert.equal(await new Vendo({ env: { ...vendoMode, OPENROUTER_BASE_URL: proxy } }).baseUrl("openrouter"), proxy);
  });

  it("3. OSS mode: OPENROUTER_BASE_URL when set", async () => {
    assert.equal(await new Vendo({ env: { OPENROUTER_BASE_URL: "http://127.0.0.1:4000/v1" } }).baseUrl("openrouter"), "http://127.0.0.1:4000/v1");
  });

  it("3. OSS mode: otherwise the provider's own URL, from the catalog", async () => {
    assert.equal(await new Vendo({ env: { OPENROUTER_BASE_URL: "" } }).baseUrl("openrouter"), "https://openrouter.ai/api/v1");
    assert.equal(integrations.openrouter.providerBaseUrl, "https://openrouter.ai/api/v1");
  });

  it("2. Vendo mode never falls back to the provider's URL", async () => {
    await rejectsWith(
      new Vendo({ env: { VENDO_MODE: "vendo" } }).baseUrl("openrouter"),
      "CONTROL_API_UNCONFIGURED",
      /OPENROUTER_BASE_URL is not set in Vendo mode/,
    );
  });

  it("rejects an unknown slug with UNKNOWN_INTEGRATION", async () => {
    await rejectsWith(new Vendo({ env: {} }).baseUrl("not-an-integration" as IntegrationSlug), "UNKNOWN_INTEGRATION", /anthropic, openai, openrouter, tavily/);
  });
});
