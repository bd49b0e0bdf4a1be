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
import type { ApiKeysTable } from "../packages/server/src/store/schema.ts";

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
