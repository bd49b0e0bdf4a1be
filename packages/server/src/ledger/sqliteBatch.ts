// One group-commit batch on SQLite: the same plan as on PostgreSQL, run as one synchronous
// transaction over statements prepared once. The hot path's few fixed-shape statements skip the
// query builder: building and compiling them per batch cost more than SQLite's own work.
import type SqliteDatabase from "better-sqlite3";
import type { HoldsTable } from "../store/schema.js";
import { prepareInsert, type ListsEveryColumn } from "../store/sqliteInsert.js";
import { accountsToLock, endingRequestIds, hasAdmissions, planBatch, type BalanceRow, type BatchOutcome, type HoldRow, type KeyRow, type NewEntry, type StoreBatchContext } from "./batchPlan.js";
import type { LedgerOp } from "./operations.js";

const HOLD_COLUMNS = [
  "request_id",
  "tenant_id",
  "key_id",
  "amount",
  "status",
  "instance_id",
  "epoch",
  "integration",
  "model",
  "generation_id",
  "credential_id",
  "created_at",
  "expires_at",
  "ended_at",
  "late",
  "charge",
  "upstream_cost",
] as const satisfies ReadonlyArray<keyof HoldsTable>;

const ENTRY_COLUMNS = [
  "kind",
  "debit_account",
  "credit_account",
  "amount",
  "tenant_id",
  "request_id",
  "idempotency_key",
  "memo",
  "created_at",
] as const satisfies ReadonlyArray<keyof NewEntry>;

const listsEveryColumn: [ListsEveryColumn<HoldsTable, typeof HOLD_COLUMNS>, ListsEveryColumn<NewEntry, typeof ENTRY_COLUMNS>] = [true, true];
void listsEveryColumn;

export type SqliteBatch = (ops: LedgerOp[], context: StoreBatchContext) => BatchOutcome;

export function createSqliteBatch(database: SqliteDatabase.Database): SqliteBatch {
  const statements = {
    hold: database.prepare<[string], HoldRow>("select request_id, tenant_id, key_id, amount, status from holds where request_id = ?"),
    key: database.prepare<[string], KeyRow>(
      "select c.*, k.limit_amount, k.limit_reset from key_counters c join api_keys k on k.id = c.key_id where c.key_id = ?",
    ),
    balance: database.prepare<[string], BalanceRow>("select tenant_id, balance, held, credited, debited from balances where tenant_id = ?"),
    instance: database.prepare<[string], { epoch: bigint; heartbeat_at: bigint }>("select epoch, heartbeat_at from instances where id = ?"),
    heartbeat: database.prepare<[bigint, string]>("update instances set heartbeat_at = ? where id = ?"),
    insertHold: prepareInsert<HoldsTable>(database, "holds", HOLD_COLUMNS),
    endHold: database.prepare<[string, bigint, bigint, bigint, bigint, string | null, string | null, string]>(
      "update holds set status = ?, ended_at = ?, late = ?, charge = ?, upstream_cost = ?, generation_id = coalesce(?, generation_id), credential_id = coalesce(?, credential_id) where request_id = ?",
    ),
    insertEntry: prepareInsert<NewEntry>(database, "ledger_entries", ENTRY_COLUMNS),
    note: database.prepare<[string | null, string, string]>(
      "update holds set generation_id = coalesce(?, generation_id), credential_id = ? where request_id = ? and status = 'pending'",
    ),
    updateKey: database.prepare(
      "update key_counters set usage = ?, held = ?, period_usage = ?, period_start = ?, day_usage = ?, day_start = ?, week_usage = ?, week_start = ?, month_usage = ?, month_start = ? where key_id = ?",
    ),
    updateBalance: database.prepare<[bigint, bigint, bigint, bigint, bigint, string]>(
      "update balances set balance = ?, held = ?, credited = ?, debited = ?, updated_at = ? where tenant_id = ?",
    ),
    account: database.prepare<[string, bigint, bigint, bigint]>(
      "insert into accounts (id, debits, credits, updated_at) values (?, ?, ?, ?) on conflict (id) do update set debits = accounts.debits + excluded.debits, credits = accounts.credits + excluded.credits, updated_at = excluded.updated_at",
    ),
  };

  const run = database.transaction((ops: LedgerOp[], context: StoreBatchContext): BatchOutcome => {
    let epoch: bigint | null = null;
    if (hasAdmissions(ops)) {
      const instance = statements.instance.get(context.instanceId);
      if (!instance) throw new Error(`instance ${context.instanceId} is not registered`);
      epoch = instance.epoch;
      if (BigInt(context.now) - instance.heartbeat_at > BigInt(context.refreshHeartbeatAfterMs)) {
        statements.heartbeat.run(BigInt(context.now), context.instanceId);
      }
    }
    const holds = rowsById(statements.hold, endingRequestIds(ops));
    const { keyIds, tenantIds } = accountsToLock(ops, holds);
    const keys = rowsById(statements.key, keyIds);
    const balances = rowsById(statements.balance, tenantIds);

    const { results, writes } = planBatch(ops, { holds, keys, balances }, { now: context.now, instanceId: context.instanceId, epoch: epoch ?? 0n });
    const now = BigInt(context.now);
    for (const hold of writes.newHolds) statements.insertHold(hold);
    for (const e of writes.ends) statements.endHold.run(e.status, now, e.late ? 1n : 0n, e.charge, e.upstreamCost, e.generationId, e.credentialId, e.requestId);
    for (const entry of writes.entries) statements.insertEntry(entry);
    for (const n of writes.notes) statements.note.run(n.generationId, n.credentialId, n.requestId);
    for (const k of writes.keys) {
      statements.updateKey.run(k.usage, k.held, k.period_usage, k.period_start, k.day_usage, k.day_start, k.week_usage, k.week_start, k.month_usage, k.month_start, k.key_id);
    }
    for (const b of writes.balances) statements.updateBalance.run(b.balance, b.held, b.credited, b.debited, now, b.tenant_id);
    for (const a of writes.accounts) statements.account.run(a.id, a.debits, a.credits, now);
    return { results, epoch };
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
