// The daily usage rollups equal the call records grouped at each level (tenant, UTC day, key, model
// and integration; day and tenant; day), on both stores: after real calls through the proxy, after a replayed
// record and a backfill (counted once), and for records that existed before migration 009.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Migrator, sql } from "kysely";
import pino from "pino";
import { backfillCallRecords, createCallRecorder } from "../../src/ledger/callRecords.js";
import { newId } from "../../src/security/apiKeys.js";
import { openStore, type Store } from "../../src/store/db.js";
import { ROLLUP_LEVELS } from "../../src/store/usageDaily.js";
import { migrationProvider } from "../../src/store/migrations/index.js";
import type { CallsTable } from "../../src/store/schema.js";
import { createTestStoreConfig, openTestStore, storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

/** Each rollup level, and the same figures computed from `calls` by the store itself, as comparable text. */
async function rollupAndCalls(store: Store): Promise<{ rollup: string[]; calls: string[] }> {
  const expressions: Record<string, string> = { day: "created_at / 86400000", model: "coalesce(model, '')", tenant_id: "tenant_id", key_id: "key_id", integration: "integration" };
  const rollup: string[] = [];
  const calls: string[] = [];
  const text = (rows: Array<Record<string, unknown>>) => rows.map((r) => Object.values(r).map(String).join(" "));
  for (const level of ROLLUP_LEVELS) {
    const keys = level.keys.join(", ");
    const rolled = await sql<Record<string, unknown>>`
      select ${sql.raw(keys)}, calls, prompt_tokens, completion_tokens, upstream_cost, charge from ${sql.table(level.table)} order by ${sql.raw(keys)}`.execute(store.db);
    const grouped = await sql<Record<string, unknown>>`
      select ${sql.raw(level.keys.map((k) => `${expressions[k]} as ${k}`).join(", "))}, count(*) as calls, sum(prompt_tokens) as prompt_tokens,
        sum(completion_tokens) as completion_tokens, sum(upstream_cost) as upstream_cost, sum(charge) as charge
      from calls group by ${sql.raw(level.keys.map((k) => expressions[k]).join(", "))} order by ${sql.raw(keys)}`.execute(store.db);
    rollup.push(`${level.table}:`, ...text(rolled.rows));
    calls.push(`${level.table}:`, ...text(grouped.rows));
  }
  return { rollup, calls };
}

function callRecord(fields: Partial<CallsTable> & Pick<CallsTable, "tenant_id" | "key_id" | "created_at">): CallsTable {
  return {
    request_id: newId("req"),
    deployment_id: null,
    integration: "openrouter",
    path: "/v1/chat/completions",
    model: "openai/gpt-4o-mini",
    generation_id: null,
    prompt_tokens: 10n,
    completion_tokens: 20n,
    upstream_cost: 1_000n,
    charge: 1_100n,
    estimated: 0n,
    streamed: 0n,
    status: "ok",
    http_status: 200n,
    latency_ms: 5n,
    ...fields,
  };
}

for (const { kind, skip } of storeKinds) {
  describe(`usage rollup on ${kind}`, { skip }, () => {
    describe("after real calls through the proxy", () => {
      let world: World;
      before(async () => {
        world = await startWorld(kind, { markupBps: 1000n });
      });
      after(() => world?.close());

      it("equals the call records grouped by day, key and model, and its charges equal the ledger's", async () => {
        const tenant = await world.createTenant("5");
        const keys = [await world.createKey(tenant), await world.createKey(tenant)];
        const models = ["openai/gpt-4o-mini", "anthropic/claude-3.5-haiku"];
        for (let i = 0; i < 6; i++) {
          const res = await fetch(`${world.proxyBaseUrl}/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${keys[i % 2]?.plaintext}`, "content-type": "application/json" },
            body: JSON.stringify({ model: models[Math.floor(i / 3)], max_tokens: 20, stream: i % 2 === 0, messages: [{ role: "user", content: `hello ${i}` }] }),
          });
          assert.equal(res.status, 200, await res.text());
          await res.arrayBuffer().catch(() => undefined);
        }
        await world.server.settled();
        const { rollup, calls } = await rollupAndCalls(world.server.store);
        assert.equal(calls.length, 3 + 4 + 1 + 1, "two keys × two models on one day; the tenant's day; the day's total");
        assert.deepEqual(rollup, calls);

        const { db } = world.server.store;
        const rolled = await db.selectFrom("usage_daily").select((eb) => eb.fn.sum("charge").as("c")).where("tenant_id", "=", tenant).executeTakeFirstOrThrow();
        const ledger = await db
          .selectFrom("ledger_entries")
          .select((eb) => eb.fn.sum("amount").as("c"))
          .where("tenant_id", "=", tenant)
          .where("debit_account", "=", `tenant:${tenant}`)
          .where("kind", "in", ["charge", "markup", "overage"])
          .executeTakeFirstOrThrow();
        assert.ok(BigInt(String(ledger.c)) > 0n);
        assert.equal(String(rolled.c), String(ledger.c), "Σ rollup charges == Σ the tenant's charge legs in the journal");
      });
    });

    describe("replays, backfills and records older than the rollup", () => {
      let store: Store & { drop(): Promise<void> };
      before(async () => {
        store = await openTestStore(kind);
      });
      after(() => store?.drop());

      it("counts a replayed record once, and a backfilled one once", async () => {
        const recorder = createCallRecorder(store, pino({ level: "silent" }));
        const day = Date.UTC(2026, 0, 5, 10);
        const first = callRecord({ tenant_id: "ten_r", key_id: "key_r", created_at: BigInt(day) });
        recorder.record(first);
        recorder.record(callRecord({ tenant_id: "ten_r", key_id: "key_r", created_at: BigInt(day + 1000), charge: 7n, upstream_cost: 5n }));
        await recorder.flush();
        recorder.record({ ...first, charge: 999_999n }); // the same request id again: skipped
        await recorder.flush();

        // A posted hold whose record a crash lost: the backfill rebuilds it (and only once).
        const lost = "req_lostlostlostlost";
        await store.db
          .insertInto("holds")
          .values({
            request_id: lost, tenant_id: "ten_r", key_id: "key_r", amount: 5_000n, status: "posted", instance_id: "ins_x", epoch: 0n, integration: "openrouter",
            model: "openai/gpt-4o-mini", generation_id: null, credential_id: null, created_at: BigInt(day + 2000), expires_at: BigInt(day + 60_000),
            ended_at: BigInt(day + 3000), late: 0n, charge: 300n, upstream_cost: 200n,
          })
          .execute();
        const options = { now: day + 10 * 60_000, windowMs: 60 * 60_000, settleMs: 60_000, staleAfterMs: 10_000 };
        assert.equal(await backfillCallRecords(store, options), 1);
        assert.equal(await backfillCallRecords(store, options), 0);

        const { rollup, calls } = await rollupAndCalls(store);
        assert.deepEqual(rollup, calls);
        const row = await store.db.selectFrom("usage_daily").selectAll().where("tenant_id", "=", "ten_r").executeTakeFirstOrThrow();
        assert.deepEqual([row.calls, row.charge, row.upstream_cost], [3n, 1_100n + 7n + 300n, 1_000n + 5n + 200n]);
        await recorder.close();
      });

      it("migration 009 rolls up the records written before it", async () => {
        // A store at 008, as it was before the dashboard, with calls in it; then migrated to the latest.
        const fresh = await createTestStoreConfig(kind);
        const older = await openStoreAt(fresh.config, kind, "008_watch_key_policy");
        const base = Date.UTC(2026, 1, 1, 23, 59, 59);
        for (let i = 0; i < 5; i++) {
          await older.db.insertInto("calls").values(callRecord({ tenant_id: "ten_m", key_id: i % 2 ? "key_a" : "key_b", created_at: BigInt(base + i * 500), model: i === 4 ? null : "m/x", charge: BigInt(100 + i) })).execute();
        }
        await older.close();
        const migrated = await openStore({ ...fresh.config });
        try {
          const { rollup, calls } = await rollupAndCalls(migrated);
          assert.equal(calls.length, 3 + 5 + 2 + 2, "across midnight: day 1 × two keys, day 2 × two keys plus one call without a model; two tenant days, two days' totals");
          assert.deepEqual(rollup, calls);
        } finally {
          await migrated.close();
          await fresh.drop();
        }
      });
    });
  });
}

/** Opens a store migrated only up to `name` (inclusive). */
async function openStoreAt(config: Parameters<typeof openStore>[0], kind: "sqlite" | "postgres", name: string): Promise<Store> {
  const { Kysely, PostgresDialect, SqliteDialect } = await import("kysely");
  let store: Store;
  if (kind === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const database = new Database(config?.sqlitePath as string);
    database.defaultSafeIntegers(true);
    const db = new Kysely<never>({ dialect: new SqliteDialect({ database }) });
    store = { db, dialect: "sqlite", sqlite: database, location: "", close: () => db.destroy() } as unknown as Store;
  } else {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: config?.databaseUrl as string, options: `-c search_path=${config?.pgSchema}` });
    const db = new Kysely<never>({ dialect: new PostgresDialect({ pool }) });
    store = { db, dialect: "postgres", sqlite: null, location: "", close: () => db.destroy() } as unknown as Store;
  }
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.dialect),
    ...(kind === "postgres" ? { migrationTableSchema: config?.pgSchema as string } : {}),
  });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
  return store;
}
