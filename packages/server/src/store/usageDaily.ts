// The daily usage rollups (migration 007): call records summed per tenant, UTC day, key, model and
// integration (usage_daily), and per UTC day and integration over everyone (usage_daily_total). The
// call-record writer adds the records it actually inserted in the same transaction
// (ledger/callRecords.ts), so the dashboard's charts read a few hundred rows instead of scanning
// millions of calls.
import type SqliteDatabase from "better-sqlite3";
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import type { CallsTable, Database, UsageDailyTable, UsageDailyTotalTable } from "./schema.js";

export const DAY_MS = 86_400_000;

/** The UTC day number of an epoch-ms time, as `usage_daily.day` stores it. */
export function dayOf(ms: number | bigint): bigint {
  return BigInt(ms) / BigInt(DAY_MS);
}

/** What the rollup needs of a call record. */
export type RolledCall = Pick<CallsTable, "tenant_id" | "key_id" | "model" | "integration" | "created_at" | "prompt_tokens" | "completion_tokens" | "upstream_cost" | "charge">;

export const ROLLED_CALL_COLUMNS = ["tenant_id", "key_id", "model", "integration", "created_at", "prompt_tokens", "completion_tokens", "upstream_cost", "charge"] as const satisfies ReadonlyArray<keyof RolledCall>;

const KEY_COLUMNS = ["tenant_id", "day", "key_id", "model", "integration"] as const;
const SUM_COLUMNS = ["calls", "prompt_tokens", "completion_tokens", "upstream_cost", "charge"] as const;

/** Sums calls into rollup rows, one per key, sorted by key (concurrent writers lock rows in one order). */
export function rollUp(calls: readonly RolledCall[]): UsageDailyTable[] {
  const rows = new Map<string, UsageDailyTable>();
  for (const call of calls) {
    const day = dayOf(call.created_at);
    const model = call.model ?? "";
    const id = `${call.tenant_id}\u0000${day}\u0000${call.key_id}\u0000${model}\u0000${call.integration}`;
    let row = rows.get(id);
    if (!row) {
      row = { tenant_id: call.tenant_id, day, key_id: call.key_id, model, integration: call.integration, calls: 0n, prompt_tokens: 0n, completion_tokens: 0n, upstream_cost: 0n, charge: 0n };
      rows.set(id, row);
    }
    row.calls += 1n;
    row.prompt_tokens += BigInt(call.prompt_tokens);
    row.completion_tokens += BigInt(call.completion_tokens);
    row.upstream_cost += BigInt(call.upstream_cost);
    row.charge += BigInt(call.charge);
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** Sums rollup rows further, per day and integration, sorted the same way. */
export function rollUpTotals(rows: readonly UsageDailyTable[]): UsageDailyTotalTable[] {
  const totals = new Map<string, UsageDailyTotalTable>();
  for (const row of rows) {
    const id = `${String(row.day).padStart(20, "0")}\u0000${row.integration}`;
    let total = totals.get(id);
    if (!total) totals.set(id, (total = { day: row.day, integration: row.integration, calls: 0n, prompt_tokens: 0n, completion_tokens: 0n, upstream_cost: 0n, charge: 0n }));
    for (const c of SUM_COLUMNS) total[c] += row[c];
  }
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, total]) => total);
}

const upsertSql = (table: string, keys: readonly string[]) =>
  `insert into ${table} (${[...keys, ...SUM_COLUMNS].join(", ")}) values (${[...keys, ...SUM_COLUMNS].map(() => "?").join(", ")}) ` +
  `on conflict (${keys.join(", ")}) do update set ${SUM_COLUMNS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(", ")}`;

const TOTAL_KEY_COLUMNS = ["day", "integration"] as const;

/**
 * Prepared upserts on better-sqlite3: adds the calls to both rollups (run it inside the writer's
 * transaction, with the calls it inserted).
 */
export function prepareUsageUpsert(database: SqliteDatabase.Database): (calls: readonly RolledCall[]) => void {
  const perKey = database.prepare(upsertSql("usage_daily", KEY_COLUMNS));
  const perDay = database.prepare(upsertSql("usage_daily_total", TOTAL_KEY_COLUMNS));
  return (calls) => {
    const rows = rollUp(calls);
    for (const row of rows) perKey.run([...KEY_COLUMNS, ...SUM_COLUMNS].map((c) => row[c]));
    for (const total of rollUpTotals(rows)) perDay.run([...TOTAL_KEY_COLUMNS, ...SUM_COLUMNS].map((c) => total[c]));
  };
}

/** Adds the calls to both rollups through Kysely (PostgreSQL, inside the writer's transaction). */
export async function upsertUsage(db: Kysely<Database> | Transaction<Database>, calls: readonly RolledCall[]): Promise<void> {
  const rows = rollUp(calls);
  if (rows.length === 0) return;
  await db
    .insertInto("usage_daily")
    .values(rows)
    .onConflict((oc) => oc.columns([...KEY_COLUMNS]).doUpdateSet(addSums("usage_daily")))
    .execute();
  await db
    .insertInto("usage_daily_total")
    .values(rollUpTotals(rows))
    .onConflict((oc) => oc.columns([...TOTAL_KEY_COLUMNS]).doUpdateSet(addSums("usage_daily_total")))
    .execute();
}

/** `sums = <table>.sums + excluded.sums`, for an upsert's conflict. */
function addSums(table: "usage_daily" | "usage_daily_total"): Record<(typeof SUM_COLUMNS)[number], RawBuilder<bigint>> {
  const set = (c: (typeof SUM_COLUMNS)[number]) => sql<bigint>`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`;
  return { calls: set("calls"), prompt_tokens: set("prompt_tokens"), completion_tokens: set("completion_tokens"), upstream_cost: set("upstream_cost"), charge: set("charge") };
}
