// A per-call integration shaped nothing like OpenRouter loads and resolves: the schema is generic.
import assert from "node:assert/strict";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { loadIntegrationFile, providerBaseUrl, proxyHost, resolveConnectionEnvVars, tokenEnvVar } from "../src/index.ts";
import { weatherFixture } from "./support/tempCatalog.ts";

const weather = loadIntegrationFile(fileURLToPath(weatherFixture));

it("loads the per-call weather fixture with its defaults applied", () => {
  assert.equal(weather.slug, "weatherly");
  assert.deepEqual(weather.metering, { kind: "per_call", priceUsd: "0.002", unit: "call" });
  assert.equal(weather.adapter, undefined, "no adapter of its own: the generic per-call one");
  assert.deepEqual(weather.upstream.passHeaders, []);
  assert.equal(tokenEnvVar(weather).name, "WEATHERLY_KEY");
  assert.equal(proxyHost(weather, "vendo.run"), "weatherly-proxy.vendo.run");
  assert.equal(providerBaseUrl(weather), "https://api.weatherly.example/v2");
});

it("resolves the weather fixture's env vars from a connection and a deployment", () => {
  const vars = resolveConnectionEnvVars(
    weather,
    { profile: "vendo_managed_pool", metadata: { region: "eu-west" } },
    { proxyUrl: "https://weatherly-proxy.vendo.run", apiKey: "vendo_sk_weather" },
  );
  assert.deepEqual(vars, [
    { name: "WEATHERLY_KEY", value: "vendo_sk_weather", secret: true },
    { name: "WEATHERLY_URL", value: "https://weatherly-proxy.vendo.run/v2", secret: false },
    { name: "WEATHERLY_REGION", value: "eu-west", secret: false },
  ]);
});
