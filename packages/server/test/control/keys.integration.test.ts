import assert from "node:assert/strict";
import { it } from "node:test";
import { endpoints } from "../../src/control/contract/index.js";
import { hashKey } from "../../src/security/apiKeys.js";
import { describeOnStores, errorOf } from "./support/controlHarness.js";

describeOnStores("control API: keys", (h) => {
  const row = (id: string) => h().server.store.db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  it("mints a key whose plaintext is returned once and stored only as a hash", async () => {
    const t = await h().tenant("minting");
    const expires = new Date(Date.now() + 86_400_000).toISOString();
    const res = await h().call("POST", "/api/v1/keys", {
      as: t.key,
      body: { name: "ci", integration: "openrouter", limit: "5.25", limit_reset: "monthly", rpm: 60, models: ["openai/gpt-4o-mini"], expires_at: expires },
    });
    assert.equal(res.status, 201);
    const key = endpoints.createKey.response.parse(res.body);
    assert.match(key.key, /^vendo_sk_[0-9A-Za-z]{40}$/);
    assert.equal(key.key_hash, hashKey(key.key));
    assert.ok(key.key.startsWith(key.prefix));
    assert.equal(key.tenant_id, t.id);
    assert.deepEqual(
      { limit: key.limit, limit_reset: key.limit_reset, rpm: key.rpm, models: key.models, expires_at: key.expires_at, usage: key.usage, limit_remaining: key.limit_remaining },
      { limit: "5.25", limit_reset: "monthly", rpm: 60, models: ["openai/gpt-4o-mini"], expires_at: expires, usage: "0", limit_remaining: "5.25" },
    );

    const stored = await row(key.id);
    assert.equal(stored.limit_amount, 5_250_000_000n);
    assert.equal(stored.expires_at, BigInt(Date.parse(expires)));
    const counters = await h().server.store.db.selectFrom("key_counters").selectAll().where("key_id", "=", key.id).executeTakeFirstOrThrow();
    assert.deepEqual([counters.usage, counters.period_usage, counters.period_start, counters.held], [0n, 0n, 0n, 0n]);
    assert.ok(!Object.values(stored).some((v) => typeof v === "string" && v.includes(key.key)), "the store holds no plaintext");

    for (const path of ["/api/v1/keys", `/api/v1/keys/${key.id}`]) {
      const listed = await h().call("GET", path, { as: t.key });
      assert.equal(listed.status, 200);
      assert.ok(!JSON.stringify(listed.body).includes(key.key), `${path} never shows the plaintext`);
      assert.ok(JSON.stringify(listed.body).includes(key.prefix));
    }
  });

  it("shows usage, period usage and limit_remaining as USD strings", async () => {
    const t = await h().tenant("usage");
    const res = await h().call("POST", "/api/v1/keys", { as: t.key, body: { name: "u", integration: "openrouter", limit: "1", limit_reset: "daily" } });
    await h()
      .server.store.db.updateTable("key_counters")
      .set({ usage: 2_500_000_000n, period_usage: 400_000_000n, period_start: BigInt(Date.now()), held: 1_000n })
      .where("key_id", "=", res.body.id)
      .execute();
    const got = await h().call("GET", `/api/v1/keys/${res.body.id}`, { as: t.key });
    assert.deepEqual([got.body.usage, got.body.period_usage, got.body.limit_remaining, got.body.held], ["2.5", "0.4", "0.6", "0.000001"]);

    // A period that has ended counts as zero.
    await h().server.store.db.updateTable("key_counters").set({ period_start: 1n }).where("key_id", "=", res.body.id).execute();
    const later = await h().call("GET", `/api/v1/keys/${res.body.id}`, { as: t.key });
    assert.deepEqual([later.body.period_usage, later.body.limit_remaining], ["0", "1"]);
  });

  it("updates a key, clears fields with null, and bumps updated_at on every change", async () => {
    const t = await h().tenant("updating");
    const created = await h().call("POST", "/api/v1/keys", { as: t.key, body: { name: "k", integration: "openrouter", limit: "1", rpm: 5 } });
    let previous = (await row(created.body.id)).updated_at;
    const changes: Array<Record<string, unknown>> = [
      { name: "renamed" },
      { limit: "2.5", limit_reset: "weekly" },
      { rpm: null, models: ["a/b", "c/d"] },
      { limit: null, models: null },
      { disabled: true },
      { disabled: false },
    ];
    for (const body of changes) {
      const res = await h().call("PATCH", `/api/v1/keys/${created.body.id}`, { as: t.key, body });
      assert.equal(res.status, 200, JSON.stringify(body));
      const now = (await row(created.body.id)).updated_at;
      assert.ok(now > previous, `updated_at moved for ${JSON.stringify(body)}`);
      previous = now;
    }
    const final = await row(created.body.id);
    assert.deepEqual(
      [final.name, final.limit_amount, final.limit_reset, final.rpm, final.models, final.disabled_at],
      ["renamed", null, "weekly", null, null, null],
    );
  });

  it("stores a key's allowed origins (none by default), changes and clears them", async () => {
    const t = await h().tenant("browsers");
    const plain = await h().call("POST", "/api/v1/keys", { as: t.key, body: { name: "server", integration: "openrouter" } });
    assert.equal(plain.body.allowed_origins, null);
    assert.equal((await row(plain.body.id)).allowed_origins, null);

    const origins = ["https://app.example.com", "http://localhost:5173"];
    const web = await h().call("POST", "/api/v1/keys", { as: t.key, body: { name: "web", integration: "openrouter", allowed_origins: origins } });
    assert.equal(web.status, 201);
    assert.deepEqual(web.body.allowed_origins, origins);
    assert.deepEqual(JSON.parse((await row(web.body.id)).allowed_origins ?? "null"), origins);

    const any = await h().call("PATCH", `/api/v1/keys/${web.body.id}`, { as: t.key, body: { allowed_origins: ["*"] } });
    assert.deepEqual(any.body.allowed_origins, ["*"]);
    const got = await h().call("GET", `/api/v1/keys/${web.body.id}`, { as: t.key });
    assert.deepEqual(got.body.allowed_origins, ["*"]);
    const cleared = await h().call("PATCH", `/api/v1/keys/${web.body.id}`, { as: t.key, body: { allowed_origins: null } });
    assert.equal(cleared.body.allowed_origins, null);
    assert.equal((await row(web.body.id)).allowed_origins, null);
    const refused = await h().call("PATCH", `/api/v1/keys/${web.body.id}`, { as: t.key, body: { allowed_origins: ["https://app.example.com/"] } });
    assert.equal(refused.status, 400);
    assert.match(errorOf(refused).message, /body\.allowed_origins/);
  });

  it("disables and deletes (soft) a key, touching updated_at; a deleted key cannot change", async () => {
    const t = await h().tenant("retiring");
    const created = await h().call("POST", "/api/v1/keys", { as: t.key, body: { name: "k", integration: "openrouter" } });
    const before = (await row(created.body.id)).updated_at;

    const disabled = await h().call("POST", `/api/v1/keys/${created.body.id}/disable`, { as: t.key });
    assert.equal(disabled.body.disabled, true);
    const afterDisable = await row(created.body.id);
    assert.ok(afterDisable.disabled_at !== null && afterDisable.updated_at > before);

    const deleted = await h().call("DELETE", `/api/v1/keys/${created.body.id}`, { as: t.key });
    assert.ok(deleted.body.deleted_at);
    const afterDelete = await row(created.body.id);
    assert.ok(afterDelete.deleted_at !== null && afterDelete.updated_at > afterDisable.updated_at);

    const listed = await h().call("GET", "/api/v1/keys", { as: t.key });
    assert.ok(!listed.body.data.some((k: { id: string }) => k.id === created.body.id), "deleted keys are not listed");
    const all = await h().call("GET", "/api/v1/keys?include_deleted=true", { as: t.key });
    assert.ok(all.body.data.some((k: { id: string }) => k.id === created.body.id));

    const patch = await h().call("PATCH", `/api/v1/keys/${created.body.id}`, { as: t.key, body: { name: "again" } });
    assert.equal(patch.status, 409);
    assert.equal(errorOf(await h().call("GET", "/api/v1/keys/key_missing", { as: t.key })).code, 404);
  });

  it("validates every field, naming it", async () => {
    const t = await h().tenant("validating");
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ integration: "openrouter" }, /body\.name/],
      [{ name: "k", integration: "nope" }, /body\.integration.*unknown integration/],
      [{ name: "k", integration: "openrouter", limit: 5 }, /body\.limit/],
      [{ name: "k", integration: "openrouter", limit: "1.1234567891" }, /body\.limit/],
      [{ name: "k", integration: "openrouter", limit: "-1" }, /body\.limit/],
      [{ name: "k", integration: "openrouter", limit_reset: "hourly" }, /body\.limit_reset/],
      [{ name: "k", integration: "openrouter", rpm: 0 }, /body\.rpm/],
      [{ name: "k", integration: "openrouter", rpm: 1.5 }, /body\.rpm/],
      [{ name: "k", integration: "openrouter", models: [] }, /body\.models/],
      [{ name: "k", integration: "openrouter", models: "a" }, /body\.models/],
      [{ name: "k", integration: "openrouter", allowed_origins: [] }, /body\.allowed_origins.*at least one origin/],
      [{ name: "k", integration: "openrouter", allowed_origins: "https://a.example" }, /body\.allowed_origins/],
      [{ name: "k", integration: "openrouter", allowed_origins: ["https://a.example/"] }, /body\.allowed_origins/],
      [{ name: "k", integration: "openrouter", allowed_origins: ["https://a.example/app"] }, /body\.allowed_origins/],
      [{ name: "k", integration: "openrouter", allowed_origins: ["https://A.example"] }, /body\.allowed_origins/],
      [{ name: "k", integration: "openrouter", allowed_origins: ["https://a.example:443"] }, /body\.allowed_origins/],
      [{ name: "k", integration: "openrouter", allowed_origins: ["ftp://a.example"] }, /body\.allowed_origins/],
      [{ name: "k", integration: "openrouter", allowed_origins: ["null"] }, /body\.allowed_origins/],
      [{ name: "k", integration: "openrouter", allowed_origins: ["*", "https://a.example"] }, /body\.allowed_origins.*alone/],
      [{ name: "k", integration: "openrouter", expires_at: "tomorrow" }, /body\.expires_at/],
      [{ name: "k", integration: "openrouter", expires_at: "2001-01-01T00:00:00Z" }, /body\.expires_at.*future/],
      [{ name: "k", integration: "openrouter", deployment_id: "dep_nope" }, /body\.deployment_id/],
      [{ name: "k", integration: "openrouter", colour: "red" }, /unknown field "colour"/],
    ];
    for (const [body, message] of cases) {
      const res = await h().call("POST", "/api/v1/keys", { as: t.key, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(errorOf(res).message, message, JSON.stringify(body));
    }
    const created = await h().call("POST", "/api/v1/keys", { as: t.key, body: { name: "k", integration: "openrouter" } });
    const empty = await h().call("PATCH", `/api/v1/keys/${created.body.id}`, { as: t.key, body: {} });
    assert.match(errorOf(empty).message, /at least one field/);
    const operatorWithoutTenant = await h().call("POST", "/api/v1/keys", { body: { name: "k", integration: "openrouter" } });
    assert.match(errorOf(operatorWithoutTenant).message, /body\.tenant_id/);
  });

  it("lets the operator create and list keys for any tenant", async () => {
    const t = await h().tenant("operated");
    const res = await h().call("POST", "/api/v1/keys", { body: { tenant_id: t.id, name: "by operator", integration: "openrouter" } });
    assert.equal(res.status, 201);
    const list = await h().call("GET", `/api/v1/keys?tenant_id=${t.id}`);
    assert.deepEqual(list.body.data.map((k: { id: string }) => k.id), [res.body.id]);
  });
});
