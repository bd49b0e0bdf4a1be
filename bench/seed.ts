// Seeds a Vendo store for the bench straight through the store and ledger modules (no control
// API): one tenant with a large balance, N proxy keys (`vendo_sk_…`, stored as hashes), and one
// pool credential for OpenRouter sealed with the server's secret key.
import pg from "pg";
import { openAccount, topUp } from "../packages/server/src/ledger/accounts.ts";
import { zeroKeyCounters } from "../packages/server/src/ledger/keyCounters.ts";
import { NANOS_PER_USD } from "../packages/server/src/ledger/money.ts";
import { mintKey, newId, PROXY_KEY_PREFIX, randomBase62 } from "../packages/server/src/security/apiKeys.ts";
import { createSecretBox, decodeSecretKey } from "../packages/server/src/security/secretBox.ts";
import { openStore, type StoreConfig } from "../packages/server/src/store/db.ts";
import { periodStart } from "../packages/server/src/ledger/periods.ts";
import type { ApiKeysTable, CallsTable } from "../packages/server/src/store/schema.ts";

export interface SeedInput {
  store: StoreConfig;
  /** The 64-hex VENDO_SECRET_KEY the server will be started with. */
  secretKey: string;
  /** The upstream (sandbox) key put in the pool. */
  upstreamKey: string;
  /** Proxy keys to create for the tenant (default 1). */
  keys?: number;
  balanceUsd?: bigint;
}

export interface Seeded {
  tenantId: string;
  /** Plaintext `vendo_sk_` keys, in creation order. */
  keys: string[];
  /** Their ids (api_keys.id), in the same order. */
  keyIds: string[];
}

const CHUNK = 1000;

export async function seedVendo(input: SeedInput): Promise<Seeded> {
  const store = await openStore(input.store);
  try {
    const db = store.db;
    const now = BigInt(Date.now());
    const tenantId = newId("ten");
    await db.insertInto("tenants").values({ id: tenantId, name: "bench", status: "active", created_at: now }).execute();
    await openAccount(db, tenantId);
    await topUp(db, { tenantId, amount: (input.balanceUsd ?? 1_000_000n) * NANOS_PER_USD, idempotencyKey: `bench-${tenantId}`, memo: "bench" });

    const box = createSecretBox(decodeSecretKey(input.secretKey));
    await db
      .insertInto("pool_credentials")
      .values({
        id: newId("cred"),
        integration: "openrouter",
        label: "bench sandbox",
        secret_enc: box.seal(input.upstreamKey),
        last4: input.upstreamKey.slice(-4),
        created_at: now,
        disabled_at: null,
      })
      .execute();

    const count = input.keys ?? 1;
    const keys: string[] = [];
    const keyIds: string[] = [];
    for (let start = 0; start < count; start += CHUNK) {
      const rows: ApiKeysTable[] = [];
      for (let i = start; i < Math.min(count, start + CHUNK); i++) {
        const minted = mintKey(PROXY_KEY_PREFIX);
        const id = newId("key");
        keys.push(minted.plaintext);
        keyIds.push(id);
        rows.push({
          id,
          tenant_id: tenantId,
          integration: "openrouter",
          deployment_id: null,
          name: `bench-${i}`,
          key_hash: minted.hash,
          prefix: minted.prefix,
          limit_amount: null,
          limit_reset: "none",
          rpm: null,
      tpm: null,
          models: null,
          allowed_origins: null,
          expires_at: null,
          disabled_at: null,
          deleted_at: null,
          fit_to_balance: 0n,
          created_at: now,
          updated_at: now,
        });
      }
      await db.insertInto("api_keys").values(rows).execute();
      await db.insertInto("key_counters").values(rows.map((r) => zeroKeyCounters(r.id))).execute();
    }
    return { tenantId, keys, keyIds };
  } finally {
    await store.close();
  }
}

/**
 * A fresh PostgreSQL schema for one bench run; `drop()` removes it and everything in it.
 * Kysely's migrator looks for its own tables in every schema unless told which one
 * (`migrationTableSchema`, not set by openStore), so a second schema in the same database would
 * see the first one's tables, skip creating its own and fail. Creating them here, in this
 * schema, sidesteps that without touching the server.
 */
export async function createPgSchema(databaseUrl: string): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `vendo_bench_${randomBase62(10).toLowerCase()}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(
    `CREATE SCHEMA ${schema};
     CREATE TABLE ${schema}.kysely_migration (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL);
     CREATE TABLE ${schema}.kysely_migration_lock (id varchar(255) NOT NULL PRIMARY KEY, is_locked integer NOT NULL DEFAULT 0);`,
  );
  return { schema, drop: () => run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}

export interface SeededCalls {
  count: number;
  /** A generation id in the middle of the seeded calls (what /v1/generation?id= looks up). */
  generationId: string;
  /** Σ of the seeded calls' charges, nano-USD: the key's lifetime usage. */
  usage: bigint;
  /** How long the seeding took, seconds. */
  seconds: number;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// Bench data, not secrets: Math.random is enough and a thousand times cheaper than crypto per character.
const randomText = (length: number) => {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62[Math.floor(Math.random() * 62)];
  return out;
};
const timeText = (ms: number) => {
  let out = "";
  for (let t = ms, i = 0; i < 8; i++, t = Math.floor(t / 62)) out = BASE62[t % 62] + out;
  return out;
};

const DAY_MS = 86_400_000;
const ROWS_PER_TRANSACTION = 50_000;

/**
 * Call records of one key, written straight into an SQLite store in large transactions (the
 * account endpoints' figure needs a million of them in seconds): `count` calls spread over the
 * last 30 days, newest last, each with its own request and generation id, and the key's counters
 * (key_counters: lifetime, period, day, week and month usage) set to what those calls add up to.
 * Only the records and counters the account endpoints read are written (no holds or journal
 * entries), so the store is not one `auditLedger` would pass.
 */
export async function seedCalls(config: StoreConfig, opts: { tenantId: string; keyId: string; count: number; now?: number }): Promise<SeededCalls> {
  const started = performance.now();
  const store = await openStore(config);
  try {
    const sqlite = store.sqlite;
    if (!sqlite) throw new Error("seedCalls writes SQLite stores only");
    const now = opts.now ?? Date.now();
    const spacing = Math.max(1, Math.floor((30 * DAY_MS) / Math.max(1, opts.count)));
    const row = (i: number): CallsTable => {
      const createdAt = now - (opts.count - i) * spacing;
      const promptTokens = 10 + (i % 50);
      const completionTokens = 20 + (i % 200);
      const cost = BigInt(promptTokens * 150 + completionTokens * 600);
      return {
        request_id: `req_${timeText(createdAt)}${randomText(10)}`,
        tenant_id: opts.tenantId,
        key_id: opts.keyId,
        deployment_id: null,
        integration: "openrouter",
        path: "/v1/chat/completions",
        model: "openai/gpt-4o-mini",
        generation_id: `gen-${Math.floor(createdAt / 1000)}-${randomText(20)}`,
        prompt_tokens: BigInt(promptTokens),
        completion_tokens: BigInt(completionTokens),
        upstream_cost: cost,
        charge: cost,
        estimated: 0n,
        streamed: BigInt(i % 2),
        status: "ok",
        http_status: 200n,
        latency_ms: BigInt(200 + (i % 900)),
        created_at: BigInt(createdAt),
      };
    };
    const columns = Object.keys(row(0)) as Array<keyof CallsTable>;
    const insert = sqlite.prepare(`INSERT INTO calls (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`);
    const starts = { day: BigInt(periodStart("daily", now)), week: BigInt(periodStart("weekly", now)), month: BigInt(periodStart("monthly", now)) };
    const sums = { usage: 0n, day: 0n, week: 0n, month: 0n };
    let generationId = "";
    const batch = sqlite.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const r = row(i);
        insert.run(r);
        sums.usage += r.charge;
        if (r.created_at >= starts.day) sums.day += r.charge;
        if (r.created_at >= starts.week) sums.week += r.charge;
        if (r.created_at >= starts.month) sums.month += r.charge;
        if (i === Math.floor(opts.count / 2)) generationId = r.generation_id as string;
      }
    });
    for (let from = 0; from < opts.count; from += ROWS_PER_TRANSACTION) batch(from, Math.min(opts.count, from + ROWS_PER_TRANSACTION));
    await store.db
      .updateTable("key_counters")
      .set({
        usage: sums.usage,
        period_usage: sums.usage,
        period_start: BigInt(periodStart("none", now)),
        day_usage: sums.day,
        day_start: starts.day,
        week_usage: sums.week,
        week_start: starts.week,
        month_usage: sums.month,
        month_start: starts.month,
      })
      .where("key_id", "=", opts.keyId)
      .execute();
    return { count: opts.count, generationId, usage: sums.usage, seconds: (performance.now() - started) / 1000 };
  } finally {
    await store.close();
  }
}
