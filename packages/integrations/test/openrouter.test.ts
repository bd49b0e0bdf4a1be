// The OpenRouter catalog entry declares everything the seed page promises (DESIGN §1–§3).
import assert from "node:assert/strict";
import { it } from "node:test";
import { defaultProfile, getIntegration, providerBaseUrl, proxyHost, resolveConnectionEnvVars } from "../src/index.ts";
import { seed } from "./support/seedPage.ts";

const openrouter = getIntegration("openrouter");

it("has the seed page's name, tagline and description", () => {
  assert.equal(openrouter.name, "OpenRouter");
  assert.equal(openrouter.tagline, seed.tagline);
  assert.equal(openrouter.description, seed.description);
});

it("defaults to the Vendo-managed pool and offers bring-your-own-key", () => {
  const pool = defaultProfile(openrouter);
  assert.deepEqual([pool.id, pool.label, pool.credential], ["vendo_managed_pool", "Vendo-managed pool", "pool"]);
  assert.equal(
    pool.howItWorks,
    "Vendo holds the upstream credential and bills per call against the tenant's Vendo balance. No tenant signup with the provider required.",
  );
  const byo = openrouter.profiles.find((p) => p.id === "bring_your_own_key");
  assert.equal(byo?.credential, "tenant");
  assert.equal(byo?.default, false);
});

it("injects OPENROUTER_API_KEY (secret) and OPENROUTER_BASE_URL (not secret) in every profile", () => {
  assert.deepEqual(
    openrouter.envVars.map((v) => [v.name, v.profiles, v.source, v.secret]),
    [
      ["OPENROUTER_API_KEY", "all", "vendo_api_key", true],
      ["OPENROUTER_BASE_URL", "all", "proxy_base_url", false],
    ],
  );
  const vars = resolveConnectionEnvVars(
    openrouter,
    { profile: "vendo_managed_pool" },
    { proxyUrl: `https://${proxyHost(openrouter, "vendo.run")}`, apiKey: "vendo_sk_x" },
  );
  assert.equal(vars.find((v) => v.name === "OPENROUTER_BASE_URL")?.value, "https://openrouter-proxy.vendo.run/v1");
});

it("serves its proxy at openrouter-proxy.<domain> and knows the provider's own URL", () => {
  assert.equal(proxyHost(openrouter, "vendo.run"), seed.proxyEndpoint[1]?.replace("https://", ""));
  assert.equal(providerBaseUrl(openrouter), "https://openrouter.ai/api/v1");
});

it("forwards and meters the OpenRouter API paths of DESIGN §3", () => {
  const paths = openrouter.proxy.paths.map((p) => `${p.method} ${p.path} ${p.metered ? "metered" : "free"}`);
  assert.deepEqual(paths, [
    "POST /v1/chat/completions metered",
    "POST /v1/completions metered",
    "POST /v1/embeddings metered",
    "GET /v1/models free",
  ]);
  assert.deepEqual(openrouter.metering, { kind: "per_token", prices: "upstream" });
  assert.equal(openrouter.adapter, "openrouter");
  assert.deepEqual(openrouter.upstream.auth, { header: "authorization", scheme: "Bearer" });
});

it("writes the seed's quickstart comment from summary + the default profile's note", () => {
  const comment = `${openrouter.summary} ${defaultProfile(openrouter).quickstartNote}`;
  assert.ok(seed.quickstart.includes(`# ${comment}\n`), comment);
});
