// The daily usage rollup (usage_daily, migration 007): call records summed per tenant, UTC day,
// key, model and integration. The call-record writer adds the records it actually inserted in the
// same transaction (ledger/callRecords.ts), so the dashboard's charts read a few hundred rows
// instead of scanning millions of calls.
import type SqliteDatabase from "better-sqlite3";
import type { Kysely, Transaction } from "kysely";
import type { CallsTable, Database, UsageDailyTable } from "./schema.js";

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

const UPSERT_SQL =
  `insert into usage_daily (${[...KEY_COLUMNS, ...SUM_COLUMNS].join(", ")}) values (${[...KEY_COLUMNS, ...SUM_COLUMNS].map(() => "?").join(", ")}) ` +
  `on conflict (${KEY_COLUMNS.join(", ")}) do update set ${SUM_COLUMNS.map((c) => `${c} = usage_daily.${c} + excluded.${c}`).join(", ")}`;

/** A prepared upsert on better-sqlite3 (run it inside the writer's transaction). */
export function prepareUsageUpsert(database: SqliteDatabase.Database): (row: UsageDailyTable) => void {
  const statement = database.prepare(UPSERT_SQL);
  return (row) => {
    statement.run([...KEY_COLUMNS, ...SUM_COLUMNS].map((c) => row[c]));
  };
}

/** Adds rollup rows through Kysely (PostgreSQL, inside the writer's transaction). */
export async function upsertUsage(db: Kysely<Database> | Transaction<Database>, rows: readonly UsageDailyTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("usage_daily")
    .values([...rows])
    .onConflict((oc) =>
      oc.columns([...KEY_COLUMNS]).doUpdateSet((eb) => ({
        calls: eb("usage_daily.calls", "+", eb.ref("excluded.calls")),
        prompt_tokens: eb("usage_daily.prompt_tokens", "+", eb.ref("excluded.prompt_tokens")),
        completion_tokens: eb("usage_daily.completion_tokens", "+", eb.ref("excluded.completion_tokens")),
        upstream_cost: eb("usage_daily.upstream_cost", "+", eb.ref("excluded.upstream_cost")),
        charge: eb("usage_daily.charge", "+", eb.ref("excluded.charge")),
      })),
    )
    .execute();
}
