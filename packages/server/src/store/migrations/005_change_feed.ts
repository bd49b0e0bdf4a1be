import { sql, type Kysely } from "kysely";
import type { Dialect } from "../dialect.js";

// The change feed: one row per change to what the proxy caches (keys, tenants, connections, pool
// credentials, markups), numbered by the database, written by triggers so no code path can forget
// it. Readers follow `seq`, never a clock. On PostgreSQL every writer of these tables first takes
// an EXCLUSIVE lock on `changes` (a statement trigger, before any row lock), so sequence numbers
// are handed out in commit order: a reader that has seen seq N has seen every change before it.
// The lock only serializes control-plane writes; the ledger's writes to api_keys touch none of the
// watched columns and fire nothing. SQLite has one writer and needs no lock.
// Also adds api_keys.tpm: a key's tokens-per-minute limit.

/** Watched columns of api_keys: what authentication and rate limiting read. Not usage/held. */
const KEY_COLUMNS = ["tenant_id", "integration", "deployment_id", "key_hash", "limit_amount", "limit_reset", "rpm", "tpm", "models", "expires_at", "disabled_at", "deleted_at"];

/** table → [entity, the column whose value names what changed]. */
const WATCHED: Array<[table: string, entity: string, refColumn: string, updateOf: string[] | null]> = [
  ["api_keys", "key", "id", KEY_COLUMNS],
  ["tenants", "tenant", "id", null],
  ["connections", "connection", "api_key_id", null],
  ["pool_credentials", "pool", "integration", null],
  ["integration_settings", "markup", "integration", null],
];

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable("api_keys").addColumn("tpm", "bigint").execute();
  await db.schema
    .createTable("changes")
    .addColumn("seq", dialect === "postgres" ? sql`bigserial` : "integer", (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("entity", "text", (c) => c.notNull())
    .addColumn("ref", "text", (c) => c.notNull())
    // The database's clock (informational, and for pruning): never compared with an instance's.
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  if (dialect === "postgres") await postgresTriggers(db);
  else await sqliteTriggers(db);
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION vendo_changes_lock() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      LOCK TABLE changes IN EXCLUSIVE MODE;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE FUNCTION vendo_changes_record() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    DECLARE
      subject jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    BEGIN
      INSERT INTO changes (entity, ref, created_at)
        VALUES (TG_ARGV[0], subject ->> TG_ARGV[1], (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
      -- One payload per schema: PostgreSQL folds repeats within a transaction into one notification.
      PERFORM pg_notify('vendo_changes', current_schema());
      RETURN NULL;
    END $$`.execute(db);
  for (const [table, entity, refColumn, updateOf] of WATCHED) {
    const events = sql.raw(`INSERT OR DELETE OR UPDATE${updateOf ? ` OF ${updateOf.join(", ")}` : ""}`);
    await sql`CREATE TRIGGER ${sql.raw(`${table}_changes_lock`)} BEFORE ${events} ON ${sql.table(table)} FOR EACH STATEMENT EXECUTE FUNCTION vendo_changes_lock()`.execute(db);
    await sql`CREATE TRIGGER ${sql.raw(`${table}_changes`)} AFTER ${events} ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION vendo_changes_record(${sql.lit(entity)}, ${sql.lit(refColumn)})`.execute(db);
  }
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const now = sql.raw("CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)");
  for (const [table, entity, refColumn, updateOf] of WATCHED) {
    for (const [event, row] of [["INSERT", "NEW"], ["UPDATE", "NEW"], ["DELETE", "OLD"]] as const) {
      const on = sql.raw(event === "UPDATE" && updateOf ? `UPDATE OF ${updateOf.join(", ")}` : event);
      await sql`
        CREATE TRIGGER ${sql.raw(`${table}_changes_${event.toLowerCase()}`)} AFTER ${on} ON ${sql.table(table)}
        BEGIN
          INSERT INTO changes (entity, ref, created_at) VALUES (${sql.lit(entity)}, ${sql.raw(`${row}.${refColumn}`)}, ${now});
        END`.execute(db);
    }
  }
}
