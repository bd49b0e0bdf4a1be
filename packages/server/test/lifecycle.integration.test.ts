// Lifecycle and operations endpoints: /readyz turns 503 as soon as shutdown begins, calls in flight
// get the grace period in total and are then cut; /metrics and the OpenAPI document need the admin
// token on the public port and are open on the admin listener only.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "./support/world.js";

const GRACE_MS = 1500;

describe("lifecycle: readiness at shutdown, bounded drain, operations endpoints", () => {
  let world: World;
  let key: string;
  before(async () => {
    world = await startWorld("sqlite", { poolKeys: ["sk-or-lifecycle-pool"], server: { adminPort: 0, shutdownGraceMs: GRACE_MS } });
    const tenant = await world.createTenant("5");
    key = (await world.createKey(tenant)).plaintext;
  });
  after(async () => world?.close());

  const get = async (url: string, bearer?: string) => {
    const res = await request(url, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    return { status: res.statusCode, text: await res.body.text() };
  };

  it("/metrics and the OpenAPI document: admin token on the public port, open on the admin listener", async () => {
    const { url, adminUrl } = world.server;
    assert.ok(adminUrl);
    for (const path of ["/metrics", "/api/v1/openapi.json"]) {
      assert.equal((await get(url + path)).status, 401, `${path} without a token`);
      assert.equal((await get(url + path, key)).status, 401, `${path} with a proxy key`);
      assert.equal((await get(url + path, WORLD_ADMIN_TOKEN)).status, 200, `${path} with the admin token`);
      assert.equal((await get(adminUrl + path)).status, 200, `${path} on the admin listener`);
    }
    assert.match((await get(adminUrl + "/metrics")).text, /vendo_proxy_requests_total|vendo_process_cpu_user_seconds_total/);
    assert.equal((await get(adminUrl + "/readyz")).status, 200);
    assert.equal((await get(adminUrl + "/healthz")).status, 200);
    assert.equal((await get(adminUrl + "/api/v1/tenants")).status, 404, "the control API is not on the admin listener");
  });

  it("/readyz answers 503 as soon as shutdown begins; a long call is cut at the grace period", async () => {
    // A stream that would last about 10 s.
    world.sandbox.setKeyFault("sk-or-lifecycle-pool", "chunk-delay=50, tokens=200");
    const stream = await request(`${world.proxyBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", stream: true, max_tokens: 300, messages: [{ role: "user", content: "long" }] }),
    });
    assert.equal(stream.statusCode, 200);
    const body = stream.body;
    const firstChunk = await new Promise<void>((resolve) => body.once("data", () => resolve()));
    void firstChunk;
    const ended = new Promise<void>((resolve) => {
      body.on("end", resolve);
      body.on("error", () => resolve());
    });

    const started = performance.now();
    const closing = world.server.close();
    const ready = await get(`${world.server.adminUrl}/readyz`);
    assert.equal(ready.status, 503, "readiness must drop as soon as shutdown begins");
    assert.match(ready.text, /Shutting down/);
    await closing;
    const took = performance.now() - started;
    await ended;
    assert.ok(took >= GRACE_MS - 50, `closed after ${took.toFixed(0)} ms: it should have waited for the call in flight`);
    assert.ok(took < GRACE_MS + 2000, `closing took ${took.toFixed(0)} ms, past the grace period of ${GRACE_MS} ms`);
  });
});
