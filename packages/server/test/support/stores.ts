// Each test file gets its own store: a temp SQLite file, or a fresh PostgreSQL schema that is
// dropped at the end, so runs never collide. PostgreSQL suites skip (with the reason) only when
// scripts/test.mjs found no server and CI did not require one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { randomBase62 } from "../../src/security/apiKeys.js";
import { openStore, type Store, type StoreConfig } from "../../src/store/db.js";

export type StoreKind = "sqlite" | "postgres";

export const postgresUrl = process.env.VENDO_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const postgresSkip: string | false =
  process.env.VENDO_TEST_POSTGRES === "1" ? false : "PostgreSQL not available (run through npm test, which probes it)";

export const redisUrl = process.env.VENDO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const redisSkip: string | false = process.env.VENDO_TEST_REDIS === "1" ? false : "Redis not available (run through npm test, which probes it)";

/** The store kinds to run a suite against, each with its skip reason (false = run). */
export const storeKinds: Array<{ kind: StoreKind; skip: string | false }> = [
  { kind: "sqlite", skip: false },
  { kind: "postgres", skip: postgresSkip },
];

export interface TestStoreConfig {
  config: StoreConfig;
  /** Removes the SQLite directory or drops the PostgreSQL schema. */
  drop(): Promise<void>;
}

export async function createTestStoreConfig(kind: StoreKind): Promise<TestStoreConfig> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "vendo-test-"));
    return {
      config: { sqlitePath: join(dir, "vendo.db") },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `vendo_test_${randomBase62(10).toLowerCase()}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return {
    config: { databaseUrl: postgresUrl, pgSchema: schema },
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** Opens a migrated store of the given kind; `close()` closes and drops it. */
export async function openTestStore(kind: StoreKind): Promise<Store & { drop(): Promise<void> }> {
  const target = await createTestStoreConfig(kind);
  const store = await openStore(target.config);
  return {
    ...store,
    drop: async () => {
      await store.close();
      await target.drop();
    },
  };
}
