// One group-commit batch on SQLite: the same plan as on PostgreSQL, run as one synchronous
// transaction over statements prepared once. The hot path's few fixed-shape statements skip the
// query builder: building and compiling them per batch cost more than SQLite's own work.
import type SqliteDatabase from "better-sqlite3";
import type { CallsTable, HoldsTable } from "../store/schema.js";
import { accountsToLock, endingRequestIds, planBatch, type BalanceRow, type HoldRow, type KeyRow, type NewEntry } from "./batchPlan.js";
import type { LedgerOp, LedgerResult } from "./operations.js";

const HOLD_COLUMNS = [
  "request_id",
  "tenant_id",
  "key_id",
  "amount",
  "status",
  "instance_id",
  "integration",
  "model",
  "generation_id",
  "credential_id",
  "created_at",
  "expires_at",
  "ended_at",
] as const satisfies ReadonlyArray<keyof HoldsTable>;

const CALL_COLUMNS = [
  "request_id",
  "tenant_id",
  "key_id",
  "deployment_id",
  "integration",
  "path",
  "model",
  "generation_id",
  "prompt_tokens",
  "completion_tokens",
  "upstream_cost",
  "charge",
  "estimated",
  "streamed",
  "status",
  "http_status",
  "latency_ms",
  "created_at",
] as const satisfies ReadonlyArray<keyof CallsTable>;

const ENTRY_COLUMNS = ["tenant_id", "kind", "amount", "request_id", "idempotency_key", "memo", "created_at"] as const satisfies ReadonlyArray<keyof NewEntry>;

// Fails to compile when a table gains a column its insert does not list.
type Complete<Row, Columns extends readonly PropertyKey[]> = Exclude<keyof Row, Columns[number]> extends never ? true : false;
const listsEveryColumn: [Complete<HoldsTable, typeof HOLD_COLUMNS>, Complete<CallsTable, typeof CALL_COLUMNS>, Complete<NewEntry, typeof ENTRY_COLUMNS>] = [true, true, true];
void listsEveryColumn;

/** An insert of one row, run with its values in the columns' order (positional binding costs
 *  about half of binding by name). */
function prepareInsert<Row>(database: SqliteDatabase.Database, table: string, columns: ReadonlyArray<keyof Row & string>): (row: Row) => void {
  const statement = database.prepare(`insert into ${table} (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")})`);
  return (row) => {
    statement.run(columns.map((c) => row[c]));
  };
}

export type SqliteBatch = (ops: LedgerOp[], context: { now: number; instanceId: string }) => LedgerResult[];

export function createSqliteBatch(database: SqliteDatabase.Database): SqliteBatch {
  const statements = {
    hold: database.prepare<[string], HoldRow>("select request_id, tenant_id, key_id, amount, status from holds where request_id = ?"),
    key: database.prepare<[string], KeyRow>("select id, limit_amount, limit_reset, usage, period_usage, period_start, held from api_keys where id = ?"),
    balance: database.prepare<[string], BalanceRow>("select tenant_id, balance, held from balances where tenant_id = ?"),
    insertHold: prepareInsert<HoldsTable>(database, "holds", HOLD_COLUMNS),
    endHold: database.prepare<[string, bigint, string]>("update holds set status = ?, ended_at = ? where request_id = ?"),
    insertEntry: prepareInsert<NewEntry>(database, "ledger_entries", ENTRY_COLUMNS),
    insertCall: prepareInsert<CallsTable>(database, "calls", CALL_COLUMNS),
    noteGeneration: database.prepare<[string, string, string]>("update holds set generation_id = ?, credential_id = ? where request_id = ? and status = 'open'"),
    updateKey: database.prepare<[bigint, bigint, bigint, bigint, string]>("update api_keys set usage = ?, period_usage = ?, period_start = ?, held = ? where id = ?"),
    updateBalance: database.prepare<[bigint, bigint, bigint, string]>("update balances set balance = ?, held = ?, updated_at = ? where tenant_id = ?"),
  };

  const run = database.transaction((ops: LedgerOp[], context: { now: number; instanceId: string }): LedgerResult[] => {
    const holds = rowsById(statements.hold, endingRequestIds(ops));
    const { keyIds, tenantIds } = accountsToLock(ops, holds);
    const keys = rowsById(statements.key, keyIds);
    const balances = rowsById(statements.balance, tenantIds);

    const { results, writes } = planBatch(ops, { holds, keys, balances }, context);
    const endedAt = BigInt(context.now);
    for (const hold of writes.newHolds) statements.insertHold(hold);
    for (const id of writes.settled) statements.endHold.run("settled", endedAt, id);
    for (const id of writes.released) statements.endHold.run("released", endedAt, id);
    for (const entry of writes.entries) statements.insertEntry(entry);
    for (const call of writes.calls) statements.insertCall(call);
    for (const g of writes.generations) statements.noteGeneration.run(g.generationId, g.credentialId, g.requestId);
    for (const k of writes.keys) statements.updateKey.run(k.usage, k.period_usage, k.period_start, k.held, k.id);
    for (const b of writes.balances) statements.updateBalance.run(b.balance, b.held, endedAt, b.tenant_id);
    return results;
  });
  // `immediate`: take the write lock at the start, so a reader elsewhere cannot make it fail midway.
  return (ops, context) => run.immediate(ops, context);
}

/** The rows found for these ids (a missing one is simply absent). */
function rowsById<Row>(statement: SqliteDatabase.Statement<[string], Row>, ids: string[]): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const id of ids) {
    const row = statement.get(id);
    if (row) rows.set(id, row);
  }
  return rows;
}
