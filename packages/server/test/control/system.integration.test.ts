import assert from "node:assert/strict";
import { it } from "node:test";
import { endpoints } from "../../src/control/contract/index.js";
import { dashboardEndpoints } from "../../src/dashboard/contract.js";
import { describeOnStores, errorOf } from "./support/controlHarness.js";

describeOnStores("control API: health, readiness, metrics, OpenAPI and errors", (h) => {
  it("answers /healthz and /readyz (the store answers) without credentials", async () => {
    assert.deepEqual((await h().call("GET", "/healthz", { as: null })).body, { status: "ok" });
    const ready = await h().call("GET", "/readyz", { as: null });
    assert.equal(ready.status, 200);
    assert.equal(ready.body.store, h().kind);
  });

  it("serves Prometheus metrics to the operator only (they carry revenue), counting control requests by operation and status", async () => {
    assert.equal((await h().call("GET", "/metrics", { as: null })).status, 401);
    const tenant = await h().tenant();
    assert.equal((await h().call("GET", "/metrics", { as: tenant.key })).status, 403);
    await h().call("GET", "/api/v1/whoami");
    const res = await h().call("GET", "/metrics");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
    assert.match(res.body, /vendo_control_requests_total\{operation="whoami",status="200"\} \d+/);
    assert.match(res.body, /vendo_process_cpu_user_seconds_total/);
  });

  it("serves an OpenAPI document (to the operator) with every endpoint, generated from the validating schemas", async () => {
    assert.equal((await h().call("GET", "/api/v1/openapi.json", { as: null })).status, 401);
    const res = await h().call("GET", "/api/v1/openapi.json");
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, "3.1.0");
    const operations = Object.values(res.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
    assert.deepEqual(operations.sort(), [...Object.values(endpoints), ...Object.values(dashboardEndpoints)].map((e) => e.operationId).sort());

    const createKey = res.body.paths["/api/v1/keys"].post;
    const limit = createKey.requestBody.content["application/json"].schema.properties.limit;
    assert.equal(limit.type, "string");
    assert.equal(limit.pattern, "^\\d+(\\.\\d{1,9})?$", "the same regex that validates");
    const credits = res.body.paths["/api/v1/tenants/{id}/credits"].post;
    assert.ok(credits.parameters.some((p: { name: string; in: string; required: boolean }) => p.name === "idempotency-key" && p.in === "header" && p.required));
    assert.ok(credits.parameters.some((p: { name: string; in: string }) => p.name === "id" && p.in === "path"));
  });

  it("answers errors in one shape: unknown route, bad JSON, missing or unknown bearer, proxy keys", async () => {
    const unknown = await h().call("GET", "/api/v1/nothing-here");
    assert.equal(errorOf(unknown).code, 404);
    const badJson = await h().call("POST", "/api/v1/tenants", { body: "{not json" });
    assert.equal(errorOf(badJson).code, 400);
    assert.match(errorOf(badJson).message, /JSON/);
    const noBearer = await h().call("GET", "/api/v1/tenants", { as: null });
    assert.equal(errorOf(noBearer).code, 401);
    const wrongAdmin = await h().call("GET", "/api/v1/tenants", { as: "test-admin-token-0123456780" });
    assert.equal(errorOf(wrongAdmin).code, 401);
    const unknownKey = await h().call("GET", "/api/v1/whoami", { as: "vendo_mk_" + "x".repeat(40) });
    assert.equal(errorOf(unknownKey).code, 401);
    const proxyKey = await h().call("GET", "/api/v1/whoami", { as: "vendo_sk_" + "x".repeat(40) });
    assert.equal(errorOf(proxyKey).code, 401);
    assert.match(errorOf(proxyKey).message, /proxy key/);
    const tooBig = await h().call("POST", "/api/v1/tenants", { body: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }) });
    assert.equal(errorOf(tooBig).code, 413);
  });

  it("never logs a bearer", async () => {
    const t = await h().tenant("logged");
    await h().call("GET", "/api/v1/whoami", { as: t.key });
    await h().call("GET", "/api/v1/tenants", { as: t.key });
    const logs = h().logs.join("");
    assert.ok(!logs.includes(t.key));
    assert.ok(!logs.includes("test-admin-token-0123456789"));
  });
});
