import assert from "node:assert/strict";
import { it } from "node:test";
import { endpoints } from "../../src/control/contract/index.js";
import { hashKey } from "../../src/security/apiKeys.js";
import { connectedDeployment, describeOnStores, errorOf } from "./support/controlHarness.js";

describeOnStores("control API: deployments, connections and env", (h) => {
  it("creates a deployment with a token shown once, lists, gets and deletes it", async () => {
    const t = await h().tenant("deploying");
    const res = await h().call("POST", "/api/v1/deployments", { as: t.key, body: { name: "web" } });
    assert.equal(res.status, 201);
    const d = endpoints.createDeployment.response.parse(res.body);
    assert.match(d.token, /^vendo_dt_[0-9A-Za-z]{40}$/);
    const stored = await h().server.store.db.selectFrom("deployments").selectAll().where("id", "=", d.id).executeTakeFirstOrThrow();
    assert.equal(stored.token_hash, hashKey(d.token));
    assert.ok(stored.token_enc && !stored.token_enc.includes(d.token), "the token is sealed at rest");

    const list = await h().call("GET", "/api/v1/deployments", { as: t.key });
    assert.deepEqual(list.body.data.map((x: { id: string }) => x.id), [d.id]);
    assert.ok(!JSON.stringify(list.body).includes(d.token));
    const got = await h().call("GET", `/api/v1/deployments/${d.id}`, { as: t.key });
    assert.equal(got.body.name, "web");

    const deleted = await h().call("DELETE", `/api/v1/deployments/${d.id}`, { as: t.key });
    assert.equal(deleted.status, 200);
    assert.ok(deleted.body.deleted_at);
    assert.equal((await h().call("GET", `/api/v1/deployments/${d.id}`, { as: t.key })).status, 404);
    assert.equal((await h().call("GET", `/api/v1/deployments/${d.id}/env`, { as: d.token })).status, 401, "a deleted deployment's token is refused");
    assert.match(errorOf(await h().call("POST", "/api/v1/deployments", { as: t.key, body: {} })).message, /body\.name/);
  });

  it("connects openrouter with the default profile: mints the deployment's key, sealed on the connection", async () => {
    const t = await h().tenant("connecting");
    const d = await h().call("POST", "/api/v1/deployments", { as: t.key, body: { name: "app" } });
    const res = await h().call("POST", `/api/v1/deployments/${d.body.id}/connections`, { as: t.key, body: { integration: "openrouter" } });
    assert.equal(res.status, 201);
    const c = endpoints.createConnection.response.parse(res.body);
    assert.equal(c.connection.profile, "vendo_managed_pool");
    assert.match(c.api_key, /^vendo_sk_/);
    assert.deepEqual(
      c.env.map((v) => [v.name, v.value, v.secret]),
      [
        ["OPENROUTER_API_KEY", c.api_key, true],
        ["OPENROUTER_BASE_URL", `${h().url}/proxy/openrouter/v1`, false],
      ],
    );

    const db = h().server.store.db;
    const key = await db.selectFrom("api_keys").selectAll().where("id", "=", c.connection.api_key_id).executeTakeFirstOrThrow();
    assert.equal(key.key_hash, hashKey(c.api_key));
    assert.equal(key.deployment_id, d.body.id);
    assert.equal(key.integration, "openrouter");
    const connection = await db.selectFrom("connections").selectAll().where("id", "=", c.connection.id).executeTakeFirstOrThrow();
    assert.ok(!connection.api_key_enc.includes(c.api_key));
    assert.equal(h().server.ctx.secrets.open(connection.api_key_enc), c.api_key);

    const again = await h().call("POST", `/api/v1/deployments/${d.body.id}/connections`, { as: t.key, body: { integration: "openrouter" } });
    assert.equal(again.status, 409);
    const listed = await h().call("GET", `/api/v1/deployments/${d.body.id}/connections`, { as: t.key });
    assert.deepEqual(listed.body.data.map((x: { id: string }) => x.id), [c.connection.id]);
  });

  it("stores a bring-your-own-key credential sealed, and requires it for that profile only", async () => {
    const t = await h().tenant("byok");
    const d = await h().call("POST", "/api/v1/deployments", { as: t.key, body: { name: "byo" } });
    const path = `/api/v1/deployments/${d.body.id}/connections`;
    const missing = await h().call("POST", path, { as: t.key, body: { integration: "openrouter", profile: "bring_your_own_key" } });
    assert.match(errorOf(missing).message, /body\.credential/);
    const stray = await h().call("POST", path, { as: t.key, body: { integration: "openrouter", credential: "sk-or-v1-mine" } });
    assert.match(errorOf(stray).message, /body\.credential/);
    const badProfile = await h().call("POST", path, { as: t.key, body: { integration: "openrouter", profile: "nope" } });
    assert.match(errorOf(badProfile).message, /body\.profile/);
    const badMetadata = await h().call("POST", path, { as: t.key, body: { integration: "openrouter", metadata: { region: 1 } } });
    assert.match(errorOf(badMetadata).message, /body\.metadata/);

    const ok = await h().call("POST", path, {
      as: t.key,
      body: { integration: "openrouter", profile: "bring_your_own_key", credential: "sk-or-v1-tenants-own-key", metadata: { team: "ml" } },
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.connection.has_credential, true);
    assert.deepEqual(ok.body.connection.metadata, { team: "ml" });
    assert.ok(!JSON.stringify(ok.body).includes("sk-or-v1-tenants-own-key"), "the credential is never returned");
    const row = await h().server.store.db.selectFrom("connections").selectAll().where("id", "=", ok.body.connection.id).executeTakeFirstOrThrow();
    assert.equal(h().server.ctx.secrets.open(row.credential_enc as string), "sk-or-v1-tenants-own-key");
  });

  it("serves the env masked, or revealed on request", async () => {
    const t = await h().tenant("env");
    const d = await connectedDeployment(h(), t.key);
    const masked = await h().call("GET", `/api/v1/deployments/${d.id}/env`, { as: t.key });
    assert.equal(masked.status, 200);
    const vars = endpoints.getDeploymentEnv.response.parse(masked.body).data;
    const secret = vars.find((v) => v.name === "OPENROUTER_API_KEY");
    assert.equal(secret?.value, d.apiKey.slice(0, 13) + "…");
    assert.equal(secret?.integration, "openrouter");
    assert.ok(!JSON.stringify(masked.body).includes(d.apiKey));
    assert.equal(vars.find((v) => v.name === "OPENROUTER_BASE_URL")?.value, `${h().url}/proxy/openrouter/v1`, "non-secrets are never masked");

    const revealed = await h().call("GET", `/api/v1/deployments/${d.id}/env?reveal=true`, { as: t.key });
    assert.equal(revealed.body.data.find((v: { name: string }) => v.name === "OPENROUTER_API_KEY").value, d.apiKey);
    assert.match(errorOf(await h().call("GET", `/api/v1/deployments/${d.id}/env?reveal=yes`, { as: t.key })).message, /query\.reveal/);
  });

  it("lets a deployment token read only its own deployment's env", async () => {
    const t = await h().tenant("tokens");
    const mine = await connectedDeployment(h(), t.key, "mine");
    const other = await connectedDeployment(h(), t.key, "other");

    const own = await h().call("GET", `/api/v1/deployments/${mine.id}/env?reveal=true`, { as: mine.token });
    assert.equal(own.status, 200);
    assert.equal(own.body.data.find((v: { name: string }) => v.name === "OPENROUTER_API_KEY").value, mine.apiKey);

    const sibling = await h().call("GET", `/api/v1/deployments/${other.id}/env`, { as: mine.token });
    assert.equal(sibling.status, 403);
    for (const [method, path] of [
      ["GET", `/api/v1/deployments/${mine.id}`],
      ["GET", `/api/v1/deployments/${mine.id}/token`],
      ["POST", `/api/v1/deployments/${mine.id}/token`],
      ["GET", "/api/v1/keys"],
      ["GET", `/api/v1/tenants/${t.id}/balance`],
      ["GET", "/api/v1/whoami"],
    ] as const) {
      const res = await h().call(method, path, { as: mine.token });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.match(errorOf(res).message, /only read its own deployment's env/);
    }
  });

  it("returns the current token, rotates it, and refuses the old one", async () => {
    const t = await h().tenant("rotating");
    const d = await connectedDeployment(h(), t.key);
    const current = await h().call("GET", `/api/v1/deployments/${d.id}/token`, { as: t.key });
    assert.equal(current.body.token, d.token);
    const rotated = await h().call("POST", `/api/v1/deployments/${d.id}/token`, { as: t.key });
    assert.equal(rotated.status, 201);
    assert.notEqual(rotated.body.token, d.token);
    assert.equal((await h().call("GET", `/api/v1/deployments/${d.id}/env`, { as: d.token })).status, 401);
    assert.equal((await h().call("GET", `/api/v1/deployments/${d.id}/env`, { as: rotated.body.token })).status, 200);
    assert.equal((await h().call("GET", `/api/v1/deployments/${d.id}/token`, { as: t.key })).body.token, rotated.body.token);
  });

  it("disconnecting disables and retires the connection's key (touching updated_at) and empties the env", async () => {
    const t = await h().tenant("disconnecting");
    const d = await connectedDeployment(h(), t.key);
    const db = h().server.store.db;
    const key = await db.selectFrom("api_keys").selectAll().where("deployment_id", "=", d.id).executeTakeFirstOrThrow();
    await new Promise((r) => setTimeout(r, 5));
    const res = await h().call("DELETE", `/api/v1/deployments/${d.id}/connections/openrouter`, { as: t.key });
    assert.equal(res.status, 200);
    assert.ok(res.body.deleted_at);
    const after = await db.selectFrom("api_keys").selectAll().where("id", "=", key.id).executeTakeFirstOrThrow();
    assert.ok(after.disabled_at !== null && after.deleted_at !== null && after.updated_at > key.updated_at);
    assert.deepEqual((await h().call("GET", `/api/v1/deployments/${d.id}/env`, { as: t.key })).body.data, []);
    assert.equal((await h().call("DELETE", `/api/v1/deployments/${d.id}/connections/openrouter`, { as: t.key })).status, 404);
    // It can connect again, with a new key.
    const again = await h().call("POST", `/api/v1/deployments/${d.id}/connections`, { as: t.key, body: { integration: "openrouter" } });
    assert.equal(again.status, 201);
    assert.notEqual(again.body.api_key, d.apiKey);
  });

  it("deleting a deployment deletes its keys, touching updated_at", async () => {
    const t = await h().tenant("deleting");
    const d = await connectedDeployment(h(), t.key);
    const db = h().server.store.db;
    const key = await db.selectFrom("api_keys").selectAll().where("deployment_id", "=", d.id).executeTakeFirstOrThrow();
    await new Promise((r) => setTimeout(r, 5));
    await h().call("DELETE", `/api/v1/deployments/${d.id}`, { as: t.key });
    const after = await db.selectFrom("api_keys").selectAll().where("id", "=", key.id).executeTakeFirstOrThrow();
    assert.ok(after.deleted_at !== null && after.updated_at > key.updated_at);
  });
});
