import { sql, type Kysely } from "kysely";
import type { Dialect } from "../dialect.js";

// Each deployment gets a token (vendo_dt_…) that authorizes only reading its own env: the hash for
// lookups, a sealed copy so the operator or tenant can hand it to `vendo run` again, the prefix to
// recognise it. Nullable: deployments created before this migration have none until rotated.
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // SQLite takes one column per ALTER TABLE.
  await db.schema.alterTable("deployments").addColumn("token_hash", "text").execute();
  await db.schema.alterTable("deployments").addColumn("token_enc", "text").execute();
  await db.schema.alterTable("deployments").addColumn("token_prefix", "text").execute();
  await db.schema
    .createIndex("deployments_token")
    .on("deployments")
    .column("token_hash")
    .unique()
    .where(sql.ref("token_hash"), "is not", null)
    .execute();
  await db.schema.createIndex("deployments_tenant").on("deployments").column("tenant_id").execute();
  await db.schema.createIndex("connections_deployment").on("connections").column("deployment_id").execute();
}
