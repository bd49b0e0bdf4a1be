import { sql, type Kysely } from "kysely";
import type { Dialect } from "../dialect.js";

// The dashboard (issue 13): its sign-in sessions and one-time sign-in links (hashes only), daily
// usage rollups kept by the call-record writer so charts never scan `calls`, and the indexes its
// lists read by. Each view reads the rollup or one of these indexes (docs/dashboard.md).
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // One row per (tenant, UTC day, key, model, integration): sums of the call records inserted.
  // `day` is the UTC day number (created_at / 86,400,000); `model` is '' for a call without one
  // (a key column cannot be null).
  await db.schema
    .createTable("usage_daily")
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("day", "bigint", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("integration", "text", (c) => c.notNull())
    .addColumn("calls", "bigint", (c) => c.notNull())
    .addColumn("prompt_tokens", "bigint", (c) => c.notNull())
    .addColumn("completion_tokens", "bigint", (c) => c.notNull())
    .addColumn("upstream_cost", "bigint", (c) => c.notNull())
    .addColumn("charge", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("usage_daily_pk", ["tenant_id", "day", "key_id", "model", "integration"])
    .execute();
  await sql`
    insert into usage_daily (tenant_id, day, key_id, model, integration, calls, prompt_tokens, completion_tokens, upstream_cost, charge)
    select tenant_id, created_at / 86400000, key_id, coalesce(model, ''), integration,
      count(*), sum(prompt_tokens), sum(completion_tokens), sum(upstream_cost), sum(charge)
    from calls
    group by tenant_id, created_at / 86400000, key_id, coalesce(model, ''), integration
  `.execute(db);

  // The same sums at coarser levels, for the operator's views: per UTC day and tenant (every
  // tenant's spend over a window), and per UTC day over all tenants (revenue and margin: a handful
  // of rows per day however many tenants, keys and models there are).
  await db.schema
    .createTable("usage_daily_tenant")
    .addColumn("day", "bigint", (c) => c.notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("integration", "text", (c) => c.notNull())
    .addColumn("calls", "bigint", (c) => c.notNull())
    .addColumn("prompt_tokens", "bigint", (c) => c.notNull())
    .addColumn("completion_tokens", "bigint", (c) => c.notNull())
    .addColumn("upstream_cost", "bigint", (c) => c.notNull())
    .addColumn("charge", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("usage_daily_tenant_pk", ["day", "tenant_id", "integration"])
    .execute();
  await sql`
    insert into usage_daily_tenant (day, tenant_id, integration, calls, prompt_tokens, completion_tokens, upstream_cost, charge)
    select day, tenant_id, integration, sum(calls), sum(prompt_tokens), sum(completion_tokens), sum(upstream_cost), sum(charge)
    from usage_daily group by day, tenant_id, integration
  `.execute(db);
  await db.schema
    .createTable("usage_daily_total")
    .addColumn("day", "bigint", (c) => c.notNull())
    .addColumn("integration", "text", (c) => c.notNull())
    .addColumn("calls", "bigint", (c) => c.notNull())
    .addColumn("prompt_tokens", "bigint", (c) => c.notNull())
    .addColumn("completion_tokens", "bigint", (c) => c.notNull())
    .addColumn("upstream_cost", "bigint", (c) => c.notNull())
    .addColumn("charge", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("usage_daily_total_pk", ["day", "integration"])
    .execute();
  await sql`
    insert into usage_daily_total (day, integration, calls, prompt_tokens, completion_tokens, upstream_cost, charge)
    select day, integration, sum(calls), sum(prompt_tokens), sum(completion_tokens), sum(upstream_cost), sum(charge)
    from usage_daily group by day, integration
  `.execute(db);

  // Recent calls, filtered by model, by key, or to the ones that did not end "ok" (few: a partial
  // index, so the common insert pays nothing for it).
  await db.schema.createIndex("calls_tenant_model_time").on("calls").columns(["tenant_id", "model", "created_at"]).execute();
  await db.schema.createIndex("calls_key_time").on("calls").columns(["key_id", "created_at"]).execute();
  await sql`create index calls_tenant_not_ok on calls (tenant_id, created_at) where status <> 'ok'`.execute(db);
  // A tenant's credit history (top-ups and adjustments) among its many charge entries.
  await sql`create index ledger_entries_funding on ledger_entries (tenant_id, id) where kind in ('topup', 'adjustment')`.execute(db);

  // A signed-in browser: the cookie's token is stored hashed. A tenant session made with a
  // management key ends with that key; an operator session ends if the admin token changes.
  await db.schema
    .createTable("dashboard_sessions")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("tenant_id", "text")
    .addColumn("management_key_id", "text")
    .addColumn("admin_token_hash", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("dashboard_sessions_expiry").on("dashboard_sessions").column("expires_at").execute();

  // A one-time sign-in link for a tenant (`vendo dev` prints one): used once, then refused.
  await db.schema
    .createTable("dashboard_links")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .execute();
}
