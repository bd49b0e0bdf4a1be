import { sql, type Kysely } from "kysely";
import type { Dialect } from "../dialect.js";

// BIGINT everywhere for integers: money in nano-USD, times in epoch ms, counters.
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable("tenants")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("management_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .execute();

  await db.schema
    .createTable("balances")
    .addColumn("tenant_id", "text", (c) => c.primaryKey().references("tenants.id"))
    .addColumn("balance", "bigint", (c) => c.notNull())
    .addColumn("held", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ledger_entries")
    .addColumn("id", dialect === "postgres" ? sql`bigserial` : "integer", (c) =>
      dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("request_id", "text")
    .addColumn("idempotency_key", "text")
    .addColumn("memo", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("ledger_entries_tenant").on("ledger_entries").columns(["tenant_id", "id"]).execute();
  // One charge per call, one top-up per idempotency key: enforced by the store, not only by code.
  await db.schema
    .createIndex("ledger_entries_request")
    .on("ledger_entries")
    .column("request_id")
    .unique()
    .where(sql.ref("request_id"), "is not", null)
    .execute();
  await db.schema
    .createIndex("ledger_entries_idempotency")
    .on("ledger_entries")
    .columns(["tenant_id", "idempotency_key"])
    .unique()
    .where(sql.ref("idempotency_key"), "is not", null)
    .execute();

  await db.schema
    .createTable("holds")
    .addColumn("request_id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("integration", "text", (c) => c.notNull())
    .addColumn("model", "text")
    .addColumn("generation_id", "text")
    .addColumn("credential_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("ended_at", "bigint")
    .execute();
  await db.schema.createIndex("holds_open").on("holds").columns(["status", "expires_at"]).execute();

  await db.schema
    .createTable("calls")
    .addColumn("request_id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("deployment_id", "text")
    .addColumn("integration", "text", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("model", "text")
    .addColumn("generation_id", "text")
    .addColumn("prompt_tokens", "bigint", (c) => c.notNull())
    .addColumn("completion_tokens", "bigint", (c) => c.notNull())
    .addColumn("upstream_cost", "bigint", (c) => c.notNull())
    .addColumn("charge", "bigint", (c) => c.notNull())
    .addColumn("estimated", "bigint", (c) => c.notNull())
    .addColumn("streamed", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("http_status", "bigint", (c) => c.notNull())
    .addColumn("latency_ms", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("calls_tenant_time").on("calls").columns(["tenant_id", "created_at"]).execute();
  await db.schema.createIndex("calls_generation").on("calls").column("generation_id").execute();

  await db.schema
    .createTable("deployments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("deleted_at", "bigint")
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("integration", "text", (c) => c.notNull())
    .addColumn("deployment_id", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("limit_amount", "bigint")
    .addColumn("limit_reset", "text", (c) => c.notNull())
    .addColumn("rpm", "bigint")
    .addColumn("models", "text")
    .addColumn("expires_at", "bigint")
    .addColumn("disabled_at", "bigint")
    .addColumn("deleted_at", "bigint")
    .addColumn("usage", "bigint", (c) => c.notNull())
    .addColumn("period_usage", "bigint", (c) => c.notNull())
    .addColumn("period_start", "bigint", (c) => c.notNull())
    .addColumn("held", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("api_keys_tenant").on("api_keys").column("tenant_id").execute();
  await db.schema.createIndex("api_keys_updated").on("api_keys").column("updated_at").execute();

  await db.schema
    .createTable("connections")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("deployment_id", "text", (c) => c.notNull().references("deployments.id"))
    .addColumn("integration", "text", (c) => c.notNull())
    .addColumn("profile", "text", (c) => c.notNull())
    .addColumn("credential_enc", "text")
    .addColumn("metadata", "text", (c) => c.notNull())
    .addColumn("api_key_id", "text", (c) => c.notNull().references("api_keys.id"))
    .addColumn("api_key_enc", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("deleted_at", "bigint")
    .execute();
  await db.schema
    .createIndex("connections_live")
    .on("connections")
    .columns(["deployment_id", "integration"])
    .unique()
    .where(sql.ref("deleted_at"), "is", null)
    .execute();

  await db.schema
    .createTable("pool_credentials")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("integration", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("secret_enc", "text", (c) => c.notNull())
    .addColumn("last4", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("disabled_at", "bigint")
    .execute();

  await db.schema
    .createTable("integration_settings")
    .addColumn("integration", "text", (c) => c.primaryKey())
    .addColumn("markup_bps", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("instances")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("started_at", "bigint", (c) => c.notNull())
    .addColumn("heartbeat_at", "bigint", (c) => c.notNull())
    .execute();
}
