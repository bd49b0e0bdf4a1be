// The change feed as one instance sees it: a change written straight to the store (by anyone, with
// any updated_at) is applied; on PostgreSQL LISTEN/NOTIFY delivers it without polling, and polling
// carries on when the LISTEN connection is cut (which then comes back); a cached key never outlives
// its maximum staleness even when the feed says nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { request } from "undici";
import type { ServerOptions } from "../../src/config.js";
import { CHANGE_RETENTION_MS, pruneChanges } from "../../src/store/changeFeed.js";
import { postgresUrl, storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const DAY = 24 * 60 * 60_000;

async function keyStatus(world: World, key: string): Promise<number> {
  const res = await request(`${world.proxyBaseUrl}/key`, { headers: { authorization: `Bearer ${key}` } });
  await res.body.dump();
  return res.statusCode;
}

/** Polls until the key gets `status`; the time it took. */
async function until(world: World, key: string, status: number, limitMs: number): Promise<number> {
  const t0 = performance.now();
  while ((await keyStatus(world, key)) !== status) {
    if (performance.now() - t0 > limitMs) assert.fail(`the key did not get ${status} within ${limitMs} ms`);
  }
  return performance.now() - t0;
}

async function withWorld(kind: "sqlite" | "postgres", server: ServerOptions, body: (world: World, key: { id: string; plaintext: string }) => Promise<void>) {
  const world = await startWorld(kind, { server: { logLevel: "silent", ...server } });
  try {
    const tenant = await world.createTenant("1");
    const key = await world.createKey(tenant);
    await world.server.catchUp(); // the key's own creation is in the feed: read it before caching
    assert.equal(await keyStatus(world, key.plaintext), 200, "cached first");
    await body(world, key);
  } finally {
    await world.close();
  }
}

for (const { kind, skip } of storeKinds) {
  describe(`change feed on one instance (${kind})`, { skip }, () => {
    it("a key disabled straight in the store with an updated_at a day old is refused once the feed is read", async () => {
      await withWorld(kind, { changePollMs: 60_000 }, async (world, key) => {
        await world.server.store.db
          .updateTable("api_keys")
          .set({ disabled_at: BigInt(Date.now()), updated_at: BigInt(Date.now() - DAY) })
          .where("id", "=", key.id)
          .execute();
        await world.server.catchUp();
        assert.equal(await keyStatus(world, key.plaintext), 401);
      });
    });

    it("old changes are pruned by the database's clock; recent ones stay", async () => {
      await withWorld(kind, {}, async (world) => {
        const db = world.server.store.db;
        const recent = await db.selectFrom("changes").select("seq").execute();
        assert.ok(recent.length > 0);
        await db.insertInto("changes").values({ entity: "markup", ref: "old", created_at: BigInt(Date.now() - 2 * CHANGE_RETENTION_MS) }).execute();
        await pruneChanges(world.server.store);
        const left = await db.selectFrom("changes").select(["seq", "ref"]).execute();
        assert.ok(!left.some((c) => c.ref === "old"), "the old change is gone");
        assert.equal(left.length, recent.length, "the recent ones stay");
      });
    });

    it("a cached key is read again after its maximum staleness, even when the feed never tells", async () => {
      await withWorld(kind, { changePollMs: 60_000, cacheMaxStaleMs: 300 }, async (world, key) => {
        // The change, hidden from the feed in the same transaction: only the staleness bound can bring it in.
        await world.server.store.db.transaction().execute(async (tx) => {
          const last = await tx.selectFrom("changes").select((eb) => eb.fn.max("seq").as("seq")).executeTakeFirstOrThrow();
          await tx.updateTable("api_keys").set({ disabled_at: BigInt(Date.now()) }).where("id", "=", key.id).execute();
          await tx.deleteFrom("changes").where("seq", ">", BigInt(last.seq ?? 0)).execute();
        });
        assert.equal(await keyStatus(world, key.plaintext), 200, "still cached: nothing told the instance yet");
        const took = await until(world, key.plaintext, 401, 3000);
        assert.ok(took < 1000, `refused after ${took.toFixed(0)} ms`);
      });
    });
  });
}

describe("change feed on PostgreSQL: LISTEN/NOTIFY, polling as the fallback", { skip: storeKinds[1]?.skip ?? false }, () => {
  let admin: pg.Client;
  before(async () => {
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
  });
  after(async () => admin?.end());

  it("a change committed by another connection arrives through NOTIFY, with polling a minute away", async () => {
    await withWorld("postgres", { changePollMs: 60_000 }, async (world, key) => {
      const schema = world.server.ctx.config.pgSchema as string;
      await until(world, key.plaintext, 200, 5000);
      await admin.query(`update ${schema}.api_keys set disabled_at = $1 where id = $2`, [Date.now(), key.id]);
      const took = await until(world, key.plaintext, 401, 5000);
      assert.ok(took < 1000, `NOTIFY took ${took.toFixed(0)} ms`);
    });
  });

  it("with the LISTEN connection cut, polling still applies changes, and LISTEN comes back", async () => {
    await withWorld("postgres", { changePollMs: 200 }, async (world, key) => {
      const schema = world.server.ctx.config.pgSchema as string;
      const listener = `vendo-change-feed:${schema}`;
      const backends = async () => (await admin.query("select pid from pg_stat_activity where application_name = $1", [listener])).rows as Array<{ pid: number }>;
      const t0 = Date.now();
      while ((await backends()).length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setImmediate(r));
      const [first] = await backends();
      assert.ok(first, "the instance listens");
      await admin.query("select pg_terminate_backend($1)", [first.pid]);
      await admin.query(`update ${schema}.api_keys set disabled_at = $1 where id = $2`, [Date.now(), key.id]);
      const took = await until(world, key.plaintext, 401, 5000);
      assert.ok(took < 1000, `polling took ${took.toFixed(0)} ms`);
      const t1 = Date.now();
      let back: Array<{ pid: number }> = [];
      while (Date.now() - t1 < 10_000 && !(back = await backends()).some((b) => b.pid !== first.pid)) await new Promise((r) => setImmediate(r));
      assert.ok(back.some((b) => b.pid !== first.pid), "the LISTEN connection came back");
    });
  });
});
