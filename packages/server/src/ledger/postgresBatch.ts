// One group-commit batch on PostgreSQL. Rows are locked in one fixed order (holds → api_keys →
// balances, each sorted by id, FOR UPDATE) so batches from several instances cannot deadlock;
// the plan is made on the locked rows, then written back with a handful of statements.
import type { Transaction } from "kysely";
import type { Database } from "../store/schema.js";
import { accountsToLock, endingRequestIds, planBatch, type BalanceRow, type HoldRow, type KeyRow } from "./batchPlan.js";
import type { LedgerOp, LedgerResult } from "./operations.js";

// Rows per statement: well under PostgreSQL's 65,535 bind parameters for the widest table.
const CHUNK = 200;

export async function applyBatchPostgres(
  tx: Transaction<Database>,
  ops: LedgerOp[],
  context: { now: number; instanceId: string },
): Promise<LedgerResult[]> {
  const holds = new Map<string, HoldRow>();
  for (const ids of chunks(endingRequestIds(ops))) {
    const rows = await tx
      .selectFrom("holds")
      .select(["request_id", "tenant_id", "key_id", "amount", "status"])
      .where("request_id", "in", ids)
      .orderBy("request_id")
      .forUpdate()
      .execute();
    for (const h of rows) holds.set(h.request_id, h);
  }
  const { keyIds, tenantIds } = accountsToLock(ops, holds);
  const keys = new Map<string, KeyRow>();
  for (const ids of chunks(keyIds)) {
    const rows = await tx
      .selectFrom("api_keys")
      .select(["id", "limit_amount", "limit_reset", "usage", "period_usage", "period_start", "held"])
      .where("id", "in", ids)
      .orderBy("id")
      .forUpdate()
      .execute();
    for (const k of rows) keys.set(k.id, k);
  }
  const balances = new Map<string, BalanceRow>();
  for (const ids of chunks(tenantIds)) {
    const rows = await tx.selectFrom("balances").select(["tenant_id", "balance", "held"]).where("tenant_id", "in", ids).orderBy("tenant_id").forUpdate().execute();
    for (const b of rows) balances.set(b.tenant_id, b);
  }

  const { results, writes } = planBatch(ops, { holds, keys, balances }, context);
  const endedAt = BigInt(context.now);
  for (const rows of chunks(writes.newHolds)) await tx.insertInto("holds").values(rows).execute();
  for (const [status, ids] of [["settled", writes.settled], ["released", writes.released]] as const) {
    for (const c of chunks(ids)) {
      await tx.updateTable("holds").set({ status, ended_at: endedAt }).where("request_id", "in", c).execute();
    }
  }
  for (const rows of chunks(writes.entries)) await tx.insertInto("ledger_entries").values(rows).execute();
  for (const rows of chunks(writes.calls)) await tx.insertInto("calls").values(rows).execute();
  for (const g of writes.generations) {
    await tx
      .updateTable("holds")
      .set({ generation_id: g.generationId, credential_id: g.credentialId })
      .where("request_id", "=", g.requestId)
      .where("status", "=", "open")
      .execute();
  }
  for (const k of writes.keys) {
    await tx
      .updateTable("api_keys")
      .set({ usage: k.usage, period_usage: k.period_usage, period_start: k.period_start, held: k.held })
      .where("id", "=", k.id)
      .execute();
  }
  for (const b of writes.balances) {
    await tx.updateTable("balances").set({ balance: b.balance, held: b.held, updated_at: endedAt }).where("tenant_id", "=", b.tenant_id).execute();
  }
  return results;
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
