// Vendo mode's control API step over real loopback HTTP (docs/two-modes.md has the contract).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { Vendo } from "../src/index.ts";
import { closedUrl, envList, startControlApi, type FakeControlApi } from "./controlApiServer.ts";
import { rejectsWith } from "./support.ts";

const injected = [
  { name: "OPENROUTER_API_KEY", value: "vendo_sk_from_control_api" },
  { name: "OPENROUTER_BASE_URL", value: "https://openrouter-proxy.vendo.run/v1" },
];

describe("Vendo mode asks the control API when the env var is absent", () => {
  let api: FakeControlApi;
  let env: Record<string, string>;
  before(async () => (api = await startControlApi()));
  after(() => api.close());
  beforeEach(() => {
    api.requests.length = 0;
    api.answer(envList(injected));
    env = { VENDO_MODE: "vendo", VENDO_DEPLOYMENT_ID: "dep_1", VENDO_API_URL: api.url, VENDO_DEPLOYMENT_TOKEN: "vendo_dt_secret" };
  });

  it("GETs the deployment's revealed env with the deployment token and returns the var", async () => {
    assert.equal(await new Vendo({ env }).token("openrouter"), "vendo_sk_from_control_api");
    assert.equal(api.requests.length, 1);
    const [request] = api.requests;
    assert.equal(request?.method, "GET");
    assert.equal(request?.url, "/api/v1/deployments/dep_1/env?reveal=true");
    assert.equal(request?.headers.authorization, "Bearer vendo_dt_secret");
  });

  it("resolves baseUrl the same way, sharing one lookup with token", async () => {
    const vendo = new Vendo({ env });
    assert.equal(await vendo.baseUrl("openrouter"), "https://openrouter-proxy.vendo.run/v1");
    assert.equal(await vendo.token("openrouter"), "vendo_sk_from_control_api");
    assert.equal(api.requests.length, 1);
  });

  it("falls back to the management key as bearer", async () => {
    const { VENDO_DEPLOYMENT_TOKEN: _, ...rest } = env;
    await new Vendo({ env: { ...rest, VENDO_MANAGEMENT_KEY: "vendo_mk_tenant" } }).token("openrouter");
    assert.equal(api.requests[0]?.headers.authorization, "Bearer vendo_mk_tenant");
  });

  it("prefers the deployment token over the management key", async () => {
    await new Vendo({ env: { ...env, VENDO_MANAGEMENT_KEY: "vendo_mk_tenant" } }).token("openrouter");
    assert.equal(api.requests[0]?.headers.authorization, "Bearer vendo_dt_secret");
  });

  it("takes apiUrl and deploymentId from code, trimming a trailing slash and encoding the id", async () => {
    const vendo = new Vendo({ env: { VENDO_DEPLOYMENT_TOKEN: "t" }, apiUrl: `${api.url}/`, deploymentId: "dep 2/x" });
    await vendo.token("openrouter");
    assert.equal(api.requests[0]?.url, "/api/v1/deployments/dep%202%2Fx/env?reveal=true");
  });

  it("uses the fetch passed in code", async () => {
    const seen: string[] = [];
    const tracking: typeof fetch = (input, init) => (seen.push(String(input)), fetch(input, init));
    await new Vendo({ env, fetch: tracking }).token("openrouter");
    assert.deepEqual(seen, [`${api.url}/api/v1/deployments/dep_1/env?reveal=true`]);
  });

  it("does not ask when the env var is set", async () => {
    assert.equal(await new Vendo({ env: { ...env, OPENROUTER_API_KEY: "vendo_sk_env" } }).token("openrouter"), "vendo_sk_env");
    assert.equal(api.requests.length, 0);
  });

  it("MISSING_TOKEN naming the var, the mode and the deployment when the API lists no such var", async () => {
    api.answer(envList([injected[1]!]));
    await rejectsWith(new Vendo({ env }).token("openrouter"), "MISSING_TOKEN", /OPENROUTER_API_KEY/, /Vendo mode/, /dep_1/);
    api.answer(envList([injected[0]!]));
    await rejectsWith(new Vendo({ env }).baseUrl("openrouter"), "MISSING_BASE_URL", /OPENROUTER_BASE_URL/, /Vendo mode/);
  });

  it("CONTROL_API_FAILED with the status and the API's message, never the bearer", async () => {
    api.answer({ status: 401, body: JSON.stringify({ error: { code: 401, message: "unknown deployment token" } }) });
    const err = await rejectsWith(new Vendo({ env }).token("openrouter"), "CONTROL_API_FAILED", /HTTP 401 \(unknown deployment token\)/);
    assert.doesNotMatch(err.message, /vendo_dt_secret/);
  });

  it("CONTROL_API_FAILED on a body of the wrong shape", async () => {
    api.answer({ status: 200, body: JSON.stringify({ data: [{ name: "OPENROUTER_API_KEY" }] }) });
    await rejectsWith(new Vendo({ env }).token("openrouter"), "CONTROL_API_FAILED", /expected a JSON body/);
    api.answer({ status: 200, body: "<html>" });
    await rejectsWith(new Vendo({ env }).token("openrouter"), "CONTROL_API_FAILED", /expected a JSON body/);
  });

  it("retries after a failed lookup instead of caching the failure", async () => {
    api.answer({ status: 503, body: "{}" }, envList(injected));
    const vendo = new Vendo({ env });
    await rejectsWith(vendo.token("openrouter"), "CONTROL_API_FAILED", /HTTP 503/);
    assert.equal(await vendo.token("openrouter"), "vendo_sk_from_control_api");
    assert.equal(api.requests.length, 2);
  });
});

it("CONTROL_API_FAILED when nothing listens at VENDO_API_URL", async () => {
  const env = { VENDO_DEPLOYMENT_ID: "dep_1", VENDO_API_URL: await closedUrl(), VENDO_DEPLOYMENT_TOKEN: "t" };
  await rejectsWith(new Vendo({ env }).token("openrouter"), "CONTROL_API_FAILED", /Control API GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/deployments\/dep_1\/env\?reveal=true failed/);
});
