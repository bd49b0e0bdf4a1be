// Opens the store: an embedded SQLite file by default, PostgreSQL when a URL is given.
// One Kysely query layer and one set of migrations serve both.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase } from "kysely";
import pg from "pg";
import type { Dialect } from "./dialect.js";
import { migrationProvider } from "./migrations/index.js";
import type { Database } from "./schema.js";

export type { Dialect } from "./dialect.js";

export interface StoreConfig {
  /** postgres://… selects PostgreSQL; otherwise the SQLite file at sqlitePath is used. */
  databaseUrl?: string | undefined;
  sqlitePath?: string | undefined;
  /** PostgreSQL schema to use (tests give each run its own). */
  pgSchema?: string | undefined;
  pgPoolSize?: number | undefined;
  /** false: open without migrating (`vendo doctor` only looks). */
  migrate?: boolean;
}

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The SQLite file's own handle (null on PostgreSQL): the ledger's hot path runs its prepared
   *  statements on it, inside Kysely's connection lock (see ledger.ts). */
  sqlite: SqliteDatabase.Database | null;
  /** PostgreSQL's connection pool (null on SQLite): the ledger's hot path runs named prepared
   *  statements on its own transactions (see ledger/postgresBatch.ts). */
  pg: pg.Pool | null;
  /** Where the data lives, with any password removed: safe to print. */
  location: string;
  close(): Promise<void>;
}

export const defaultSqlitePath = ".vendo/vendo.db";

// pg returns int8 and numeric as strings by default; every integer of ours is a bigint.
pg.types.setTypeParser(20, (v) => BigInt(v));

/** Migrations not yet applied to a store (names). */
export async function pendingMigrations(store: Store, pgSchema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.dialect),
    ...(store.dialect === "postgres" && pgSchema ? { migrationTableSchema: pgSchema } : {}),
  });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}

export async function openStore(config: StoreConfig = {}): Promise<Store> {
  const store = config.databaseUrl?.startsWith("postgres") ? openPostgres(config) : openSqlite(config);
  // With a PostgreSQL schema, kysely must look for its migration tables in that schema only:
  // otherwise it finds another schema's (a concurrent test run's) and skips creating its own.
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.dialect),
    ...(store.dialect === "postgres" && config.pgSchema ? { migrationTableSchema: config.pgSchema } : {}),
  });
  if (config.migrate === false) return store;
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await store.close();
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`Store migration ${failed} failed on ${store.location}: ${(error as Error).message}`, { cause: error });
  }
  return store;
}

function openSqlite(config: StoreConfig): Store {
  const path = config.sqlitePath ?? defaultSqlitePath;
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  database.defaultSafeIntegers(true);
  // WAL + NORMAL: a committed transaction survives a process crash (kill -9); only a power loss
  // can lose the last few. busy_timeout lets a CLI read while the server writes.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("busy_timeout = 5000");
  database.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return { db, dialect: "sqlite", sqlite: database, pg: null, location: path, close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; on the hot path the same few statements run thousands of
 * times a second, so keep the most recent ones prepared. Safe because the store never streams
 * (a statement is done before the next use) and SQLite re-prepares itself after a schema change.
 */
function withStatementCache(database: SqliteDatabase.Database, capacity = 256): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql); // re-insert: the map's order is the recency order
      } else {
        statement = database.prepare(sql);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}

function openPostgres(config: StoreConfig): Store {
  const url = config.databaseUrl as string;
  const pool = new pg.Pool({
    connectionString: url,
    max: config.pgPoolSize ?? 10,
    ...(config.pgSchema ? { options: `-c search_path=${config.pgSchema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const safe = new URL(url);
  safe.password = "";
  return {
    db,
    dialect: "postgres",
    sqlite: null,
    pg: pool,
    location: `${safe.host}${safe.pathname}${config.pgSchema ? ` (schema ${config.pgSchema})` : ""}`,
    close: () => db.destroy(),
  };
}
