// Secrets at rest: sealed values carry their key's id; an instance opens values sealed with
// VENDO_SECRET_KEY or VENDO_SECRET_KEY_PREVIOUS; `vendo secrets rotate` re-seals every stored secret
// with the new key while instances keep serving, after which the old key can go.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { startServer, type VendoServer } from "../../src/app.js";
import { rotateSecrets, SEALED_COLUMNS } from "../../src/security/rotateSecrets.js";
import { createSecretBox, decodeSecretKey, secretKeyId, SecretKeyError } from "../../src/security/secretBox.js";
import { cliEnv, runVendo } from "../cli/support/runVendo.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "../support/world.js";

const OLD = "1".repeat(64);
const NEW = "2".repeat(64);
const BYO_KEY = "sk-or-byo-tenant-own-key";

describe("secret box", () => {
  const oldKey = decodeSecretKey(OLD);
  const newKey = decodeSecretKey(NEW);

  it("seals with the current key's id and opens with any key it holds", () => {
    const old = createSecretBox(oldKey);
    const sealed = old.seal("pool-secret");
    assert.match(sealed, new RegExp(`^v2:${secretKeyId(oldKey)}:`));
    assert.ok(old.isCurrent(sealed));
    const rotating = createSecretBox(newKey, [oldKey]);
    assert.equal(rotating.open(sealed), "pool-secret");
    assert.ok(!rotating.isCurrent(sealed));
    assert.ok(rotating.isCurrent(rotating.seal("x")));
  });

  it("refuses a value sealed with a key it lacks, naming the key id and nothing secret", () => {
    const sealed = createSecretBox(oldKey).seal("pool-secret");
    const onlyNew = createSecretBox(newKey);
    assert.throws(() => onlyNew.open(sealed), (err: Error) => err instanceof SecretKeyError && err.message.includes(secretKeyId(oldKey)) && !err.message.includes("pool-secret") && !err.message.includes(OLD));
  });

  it("opens v1 values (no key id) with whichever key sealed them", () => {
    // The v1 form: "v1:" + base64(iv | tag | ciphertext), as sealed before key ids existed.
    const v2 = createSecretBox(oldKey).seal("legacy");
    const v1 = "v1:" + v2.slice(12);
    assert.equal(createSecretBox(newKey, [oldKey]).open(v1), "legacy");
    assert.throws(() => createSecretBox(newKey).open(v1), SecretKeyError);
  });
});

for (const { kind, skip } of storeKinds) {
  describe(`vendo secrets rotate while instances serve (${kind})`, { skip }, () => {
    let world: World; // an instance on the old key
    let rotating: VendoServer | undefined; // an instance on the new key that still reads the old
    let key: string;
    let byoKey: string;
    before(async () => {
      world = await startWorld(kind, { poolKeys: ["sk-or-rotate-pool"], server: { secretKey: OLD } });
      world.sandbox.addKey(BYO_KEY); // the tenant's own upstream key, known to the upstream
      const tenant = await world.createTenant("5");
      key = (await world.createKey(tenant)).plaintext;
      const admin = { authorization: `Bearer ${WORLD_ADMIN_TOKEN}`, "content-type": "application/json" };
      const deployment = await (await fetch(`${world.server.url}/api/v1/deployments`, { method: "POST", headers: admin, body: JSON.stringify({ tenant_id: tenant, name: "byo" }) })).json() as { id: string };
      const connection = await fetch(`${world.server.url}/api/v1/deployments/${deployment.id}/connections`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify({ integration: "openrouter", profile: "bring_your_own_key", credential: BYO_KEY }),
      });
      assert.equal(connection.status, 201, await connection.clone().text());
      byoKey = ((await connection.json()) as { api_key: string }).api_key;
    });
    after(async () => {
      await rotating?.close();
      await world?.close();
    });

    const chat = async (server: VendoServer, bearer: string) => {
      const res = await request(`${server.url}/proxy/openrouter/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o-mini", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
      });
      return { status: res.statusCode, body: await res.body.text() };
    };
    const sameStore = () => {
      const c = world.server.ctx.config;
      return { databaseUrl: c.databaseUrl, sqlitePath: c.sqlitePath, pgSchema: c.pgSchema, dataDir: c.dataDir };
    };

    it("re-seals every stored secret with the new key; both instances serve throughout; the old key can then go", async () => {
      // Step 2 of the procedure: an instance on the new key, reading the old one too. (One process
      // serves an SQLite store — docs/money.md, invariant 2 — so there the second instance is the
      // same one restarted; the rotation itself is the same.)
      await world.server.settled();
      const severalInstances = kind === "postgres";
      if (severalInstances) {
        rotating = await startServer({ port: 0, ...sameStore(), adminToken: WORLD_ADMIN_TOKEN, secretKey: NEW, secretKeyPrevious: OLD, upstreams: { openrouter: `${world.sandbox.url}/api` }, logLevel: "silent" });
        assert.equal((await chat(rotating, key)).status, 200, "the new-key instance opens the pool credential sealed with the old key");
        assert.equal((await chat(rotating, byoKey)).status, 200, "and the BYO credential");
      }
      assert.equal((await chat(world.server, key)).status, 200);

      const box = createSecretBox(decodeSecretKey(NEW), [decodeSecretKey(OLD)]);
      const first = await rotateSecrets(world.server.store, box);
      assert.equal(first.unreadable, 0);
      // pool credential, BYO credential, the connection's sealed key, the deployment token
      assert.equal(first.resealed, 4, JSON.stringify(first.columns));
      for (const { table, column } of SEALED_COLUMNS) {
        const db = world.server.store.db as unknown as import("kysely").Kysely<Record<string, Record<string, string | null>>>;
        for (const row of await db.selectFrom(table).select(column).where(column, "is not", null).execute()) {
          assert.ok(box.isCurrent(row[column] as string), `${table}.${column} still sealed with the old key`);
        }
      }
      // A second run has nothing to do.
      assert.equal((await rotateSecrets(world.server.store, box)).resealed, 0);
      if (!severalInstances) return;
      // The running new-key instance picked the re-sealed pool up (change feed) and serves on.
      await rotating?.catchUp();
      assert.equal((await chat(rotating as VendoServer, key)).status, 200);
      assert.equal((await chat(rotating as VendoServer, byoKey)).status, 200);

      // Step 4: an instance with the new key alone opens everything.
      await rotating?.close();
      rotating = await startServer({ port: 0, ...sameStore(), adminToken: WORLD_ADMIN_TOKEN, secretKey: NEW, upstreams: { openrouter: `${world.sandbox.url}/api` }, logLevel: "silent" });
      assert.equal((await chat(rotating, key)).status, 200);
      assert.equal((await chat(rotating, byoKey)).status, 200);
      const env = await fetch(`${rotating.url}/api/v1/deployments`, { headers: { authorization: `Bearer ${WORLD_ADMIN_TOKEN}` } });
      assert.equal(env.status, 200);
    });

    it("`vendo secrets rotate` (the CLI) reports what it did and refuses values no given key opens", async () => {
      const c = world.server.ctx.config;
      const storeEnv = c.databaseUrl ? { DATABASE_URL: c.databaseUrl, VENDO_PG_SCHEMA: c.pgSchema } : { VENDO_SQLITE_PATH: c.sqlitePath };
      // Everything is sealed with NEW now: rotating to a third key without NEW as previous fails.
      const third = "3".repeat(64);
      const refused = await runVendo(["secrets", "rotate"], cliEnv({ ...storeEnv, VENDO_SECRET_KEY: third, VENDO_SECRET_KEY_PREVIOUS: OLD }));
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /4 stored secrets open with none of the given keys/);
      const done = await runVendo(["secrets", "rotate", "--json"], cliEnv({ ...storeEnv, VENDO_SECRET_KEY: third, VENDO_SECRET_KEY_PREVIOUS: NEW }));
      assert.equal(done.code, 0, done.stderr);
      const report = JSON.parse(done.stdout) as { key_id: string; resealed: number; unreadable: number };
      assert.equal(report.resealed, 4);
      assert.equal(report.unreadable, 0);
      assert.equal(report.key_id, secretKeyId(decodeSecretKey(third)));
    });
  });
}
