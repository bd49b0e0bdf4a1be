import { sql, type Kysely } from "kysely";
import { periodStart } from "../../ledger/periods.js";
import type { Dialect } from "../dialect.js";

// The ledger becomes a double-entry journal of two-phase transfers (docs/money.md):
// - ledger_entries: one row per posted transfer between two accounts, amounts always positive;
//   the old signed single-entry rows are rewritten (a top-up: funding → tenant; a charge: tenant →
//   payable:<credential that served it>; the markup of old charges cannot be split and stays in it);
// - accounts: running sums of the operator accounts (funding, revenue, payable, unexplained);
// - balances gain lifetime credited/debited sums, and key money counters move off the key's config
//   row into key_counters (with calendar day/week/month usage for OpenRouter's /key);
// - holds speak pending/posted/voided/expired, carry their instance's epoch (fencing) and a late
//   flag, and only pending holds are indexed;
// - pool credentials remember the upstream's usage when they joined; reconciliations are recorded.
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const now = Date.now();

  // --- the journal ---
  for (const index of ["ledger_entries_tenant", "ledger_entries_request", "ledger_entries_idempotency"]) {
    await db.schema.dropIndex(index).execute();
  }
  await db.schema.alterTable("ledger_entries").renameTo("ledger_entries_v1").execute();
  await db.schema
    .createTable("ledger_entries")
    .addColumn("id", dialect === "postgres" ? sql`bigserial` : "integer", (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("debit_account", "text", (c) => c.notNull())
    .addColumn("credit_account", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("tenant_id", "text")
    .addColumn("request_id", "text")
    .addColumn("idempotency_key", "text")
    .addColumn("memo", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("ledger_entries_tenant").on("ledger_entries").columns(["tenant_id", "id"]).execute();
  // One leg of each kind to each account per call: a call charged twice is refused by the store,
  // not only by the hold's resolution.
  await db.schema
    .createIndex("ledger_entries_call_leg")
    .on("ledger_entries")
    .columns(["request_id", "kind", "credit_account"])
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
  await sql`
    insert into ledger_entries (id, kind, debit_account, credit_account, amount, tenant_id, request_id, idempotency_key, memo, created_at)
    select e.id, e.kind,
      case when e.kind <> 'charge' and e.amount > 0 then 'funding' else 'tenant:' || e.tenant_id end,
      case
        when e.kind = 'charge' then 'payable:' || coalesce((select h.credential_id from holds h where h.request_id = e.request_id), 'unattributed')
        when e.amount > 0 then 'tenant:' || e.tenant_id
        else 'funding'
      end,
      abs(e.amount), e.tenant_id, e.request_id, e.idempotency_key, e.memo, e.created_at
    from ledger_entries_v1 e
    where e.amount <> 0
  `.execute(db);
  await db.schema.dropTable("ledger_entries_v1").execute();
  if (dialect === "postgres") {
    await sql`select setval(pg_get_serial_sequence('ledger_entries', 'id'), coalesce((select max(id) from ledger_entries), 0) + 1, false)`.execute(db);
  }

  // --- operator accounts ---
  await db.schema
    .createTable("accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("debits", "bigint", (c) => c.notNull())
    .addColumn("credits", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await sql`
    insert into accounts (id, debits, credits, updated_at)
    select account, sum(debit), sum(credit), ${now}
    from (
      select debit_account as account, amount as debit, 0 as credit from ledger_entries where debit_account not like 'tenant:%'
      union all
      select credit_account as account, 0 as debit, amount as credit from ledger_entries where credit_account not like 'tenant:%'
    ) legs
    group by account
  `.execute(db);

  // --- tenant accounts: lifetime sums of each side ---
  await db.schema.alterTable("balances").addColumn("credited", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("balances").addColumn("debited", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  await sql`
    update balances set
      credited = coalesce((select sum(e.amount) from ledger_entries e where e.tenant_id = balances.tenant_id and e.credit_account = 'tenant:' || balances.tenant_id), 0),
      debited = coalesce((select sum(e.amount) from ledger_entries e where e.tenant_id = balances.tenant_id and e.debit_account = 'tenant:' || balances.tenant_id), 0)
  `.execute(db);

  // --- key counters, off the key's config row ---
  await db.schema
    .createTable("key_counters")
    .addColumn("key_id", "text", (c) => c.primaryKey())
    .addColumn("usage", "bigint", (c) => c.notNull())
    .addColumn("held", "bigint", (c) => c.notNull())
    .addColumn("period_usage", "bigint", (c) => c.notNull())
    .addColumn("period_start", "bigint", (c) => c.notNull())
    .addColumn("day_usage", "bigint", (c) => c.notNull())
    .addColumn("day_start", "bigint", (c) => c.notNull())
    .addColumn("week_usage", "bigint", (c) => c.notNull())
    .addColumn("week_start", "bigint", (c) => c.notNull())
    .addColumn("month_usage", "bigint", (c) => c.notNull())
    .addColumn("month_start", "bigint", (c) => c.notNull())
    .execute();
  const since = (start: number) => sql`coalesce((select sum(c.charge) from calls c where c.key_id = k.id and c.created_at >= ${start}), 0)`;
  const [day, week, month] = [periodStart("daily", now), periodStart("weekly", now), periodStart("monthly", now)];
  await sql`
    insert into key_counters (key_id, usage, held, period_usage, period_start, day_usage, day_start, week_usage, week_start, month_usage, month_start)
    select k.id, k.usage, k.held, k.period_usage, k.period_start, ${since(day)}, ${day}, ${since(week)}, ${week}, ${since(month)}, ${month}
    from api_keys k
  `.execute(db);
  for (const column of ["usage", "period_usage", "period_start", "held"]) {
    await db.schema.alterTable("api_keys").dropColumn(column).execute();
  }
  // A key may ask for calls to be fitted to what it can still afford instead of refused.
  await db.schema.alterTable("api_keys").addColumn("fit_to_balance", "bigint", (c) => c.notNull().defaultTo(0)).execute();

  // --- holds: two-phase words, fencing epoch, late flag, only pending holds indexed ---
  await db.schema.dropIndex("holds_open").execute();
  for (const [from, to] of [["open", "pending"], ["settled", "posted"], ["released", "voided"]] as const) {
    await sql`update holds set status = ${to} where status = ${from}`.execute(db);
  }
  await db.schema.alterTable("holds").addColumn("epoch", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("holds").addColumn("late", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("holds").addColumn("charge", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("holds").addColumn("upstream_cost", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  await sql`update holds set charge = coalesce((select c.charge from calls c where c.request_id = holds.request_id), 0),
    upstream_cost = coalesce((select c.upstream_cost from calls c where c.request_id = holds.request_id), 0) where status = 'posted'`.execute(db);
  await db.schema
    .createIndex("holds_pending")
    .on("holds")
    .columns(["instance_id", "created_at"])
    .where(sql.ref("status"), "=", "pending")
    .execute();
  await db.schema.alterTable("instances").addColumn("epoch", "bigint", (c) => c.notNull().defaultTo(0)).execute();

  // --- reconciliation with the upstream's record ---
  await db.schema.alterTable("pool_credentials").addColumn("baseline_usage", "bigint").execute();
  await db.schema
    .createTable("reconciliations")
    .addColumn("id", dialect === "postgres" ? sql`bigserial` : "integer", (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("credential_id", "text", (c) => c.notNull())
    .addColumn("integration", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("upstream_usage", "bigint", (c) => c.notNull())
    .addColumn("booked", "bigint", (c) => c.notNull())
    .addColumn("drift", "bigint", (c) => c.notNull())
    .addColumn("booked_unexplained", "bigint", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("reconciliations_credential").on("reconciliations").columns(["credential_id", "at"]).execute();
}
