import { sql, type Kysely } from "kysely";
import type { Dialect } from "../dialect.js";

// The change feed (005) watches the api_keys columns the proxy reads; two of them came in other
// migrations and were left out: allowed_origins (006, CORS) and fit_to_balance (003). A change to
// either now reaches every instance like any other change to a key.
const KEY_COLUMNS = [
  "tenant_id",
  "integration",
  "deployment_id",
  "key_hash",
  "limit_amount",
  "limit_reset",
  "rpm",
  "tpm",
  "models",
  "expires_at",
  "disabled_at",
  "deleted_at",
  "allowed_origins",
  "fit_to_balance",
];

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const columns = sql.raw(KEY_COLUMNS.join(", "));
  if (dialect === "postgres") {
    await sql`DROP TRIGGER api_keys_changes_lock ON api_keys`.execute(db);
    await sql`DROP TRIGGER api_keys_changes ON api_keys`.execute(db);
    await sql`CREATE TRIGGER api_keys_changes_lock BEFORE INSERT OR DELETE OR UPDATE OF ${columns} ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION vendo_changes_lock()`.execute(db);
    await sql`CREATE TRIGGER api_keys_changes AFTER INSERT OR DELETE OR UPDATE OF ${columns} ON api_keys FOR EACH ROW EXECUTE FUNCTION vendo_changes_record('key', 'id')`.execute(db);
    return;
  }
  const now = sql.raw("CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)");
  await sql`DROP TRIGGER api_keys_changes_update`.execute(db);
  await sql`
    CREATE TRIGGER api_keys_changes_update AFTER UPDATE OF ${columns} ON api_keys
    BEGIN
      INSERT INTO changes (entity, ref, created_at) VALUES ('key', NEW.id, ${now});
    END`.execute(db);
}
