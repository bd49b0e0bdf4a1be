// The daily usage rollups (migration 009): call records summed per UTC day at three levels, each a
// table keyed by its columns:
// - usage_daily (tenant, day, key, model, integration): a tenant's charts, stacked by model or key;
// - usage_daily_tenant (day, tenant, integration): every tenant's spend over a window (operator);
// - usage_daily_total (day, integration): revenue and margin per day (operator).
// The call-record writer adds the records it actually inserted, in the same transaction
// (ledger/callRecords.ts), so a view reads a few hundred rows instead of scanning millions of calls.
import type SqliteDatabase from "better-sqlite3";
import { sql, type Kysely, type Transaction } from "kysely";
import type { CallsTable, Database, UsageDailyTable } from "./schema.js";

export const DAY_MS = 86_400_000;

/** The UTC day number of an epoch-ms time, as the rollups' `day` stores it. */
export function dayOf(ms: number | bigint): bigint {
  return BigInt(ms) / BigInt(DAY_MS);
}

/** What the rollups need of a call record. */
export type RolledCall = Pick<CallsTable, "tenant_id" | "key_id" | "model" | "integration" | "created_at" | "prompt_tokens" | "completion_tokens" | "upstream_cost" | "charge">;

export const ROLLED_CALL_COLUMNS = ["tenant_id", "key_id", "model", "integration", "created_at", "prompt_tokens", "completion_tokens", "upstream_cost", "charge"] as const satisfies ReadonlyArray<keyof RolledCall>;

const SUM_COLUMNS = ["calls", "prompt_tokens", "completion_tokens", "upstream_cost", "charge"] as const;
type KeyColumn = "tenant_id" | "day" | "key_id" | "model" | "integration";

/** The rollup tables, finest first, each with its key columns (its primary key, in that order). */
export const ROLLUP_LEVELS = [
  { table: "usage_daily", keys: ["tenant_id", "day", "key_id", "model", "integration"] },
  { table: "usage_daily_tenant", keys: ["day", "tenant_id", "integration"] },
  { table: "usage_daily_total", keys: ["day", "integration"] },
] as const satisfies ReadonlyArray<{ table: keyof Database; keys: readonly KeyColumn[] }>;

type Level = (typeof ROLLUP_LEVELS)[number];

/** Sums calls into usage_daily rows, one per key, sorted by key (concurrent writers lock rows in one order). */
export function rollUp(calls: readonly RolledCall[]): UsageDailyTable[] {
  return sumBy(
    calls.map((call) => ({
      tenant_id: call.tenant_id,
      day: dayOf(call.created_at),
      key_id: call.key_id,
      model: call.model ?? "",
      integration: call.integration,
      calls: 1n,
      prompt_tokens: BigInt(call.prompt_tokens),
      completion_tokens: BigInt(call.completion_tokens),
      upstream_cost: BigInt(call.upstream_cost),
      charge: BigInt(call.charge),
    })),
    ROLLUP_LEVELS[0].keys,
  );
}

/** Sums usage_daily rows by a level's key columns (the others dropped), sorted by key. */
function sumBy(rows: readonly UsageDailyTable[], keys: readonly KeyColumn[]): UsageDailyTable[] {
  const sums = new Map<string, UsageDailyTable>();
  for (const row of rows) {
    const id = keys.map((k) => (k === "day" ? String(row.day).padStart(20, "0") : row[k])).join("\u0000");
    const sum = sums.get(id);
    if (!sum) sums.set(id, { ...row });
    else for (const c of SUM_COLUMNS) sum[c] += row[c];
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** The rows to add to each level for these calls. */
function perLevel(calls: readonly RolledCall[]): Array<{ level: Level; rows: UsageDailyTable[] }> {
  const finest = rollUp(calls);
  return ROLLUP_LEVELS.map((level, i) => ({ level, rows: i === 0 ? finest : sumBy(finest, level.keys) }));
}

const upsertText = (level: Level) =>
  `insert into ${level.table} (${[...level.keys, ...SUM_COLUMNS].join(", ")}) values (${[...level.keys, ...SUM_COLUMNS].map(() => "?").join(", ")}) ` +
  `on conflict (${level.keys.join(", ")}) do update set ${SUM_COLUMNS.map((c) => `${c} = ${level.table}.${c} + excluded.${c}`).join(", ")}`;

/** Prepared upserts on better-sqlite3: adds calls to every level (run inside the writer's transaction). */
export function prepareUsageUpsert(database: SqliteDatabase.Database): (calls: readonly RolledCall[]) => void {
  const statements = new Map(ROLLUP_LEVELS.map((level) => [level.table, database.prepare(upsertText(level))]));
  return (calls) => {
    if (calls.length === 0) return;
    for (const { level, rows } of perLevel(calls)) {
      const statement = statements.get(level.table) as SqliteDatabase.Statement;
      for (const row of rows) statement.run([...level.keys, ...SUM_COLUMNS].map((c) => row[c]));
    }
  };
}

/** Adds calls to every level through Kysely (PostgreSQL, inside the writer's transaction). */
export async function upsertUsage(db: Kysely<Database> | Transaction<Database>, calls: readonly RolledCall[]): Promise<void> {
  if (calls.length === 0) return;
  for (const { level, rows } of perLevel(calls)) {
    const columns = [...level.keys, ...SUM_COLUMNS];
    await sql`
      insert into ${sql.table(level.table)} (${sql.join(columns.map((c) => sql.ref(c)))})
      values ${sql.join(rows.map((row) => sql`(${sql.join(columns.map((c) => row[c]))})`))}
      on conflict (${sql.join(level.keys.map((c) => sql.ref(c)))}) do update set
      ${sql.join(SUM_COLUMNS.map((c) => sql`${sql.ref(c)} = ${sql.table(level.table)}.${sql.ref(c)} + excluded.${sql.ref(c)}`))}
    `.execute(db);
  }
}
