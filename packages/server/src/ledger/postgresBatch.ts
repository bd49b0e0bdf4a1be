// One group-commit batch on PostgreSQL. Rows are locked in one fixed order (the instance row,
// then holds → key_counters → balances, each sorted by id, then operator accounts through sorted
// upserts) so batches from several instances cannot deadlock; the plan is made on the locked
// rows, then written back with a handful of statements.
import { sql, type Transaction } from "kysely";
import type { Database } from "../store/schema.js";
import { accountsToLock, endingRequestIds, hasAdmissions, planBatch, type BalanceRow, type BatchOutcome, type HoldRow, type KeyRow, type StoreBatchContext } from "./batchPlan.js";
import type { LedgerOp } from "./operations.js";
import { bumpAccount } from "./operatorAccounts.js";

// Rows per statement: well under PostgreSQL's 65,535 bind parameters for the widest table.
const CHUNK = 200;

export async function applyBatchPostgres(tx: Transaction<Database>, ops: LedgerOp[], context: StoreBatchContext): Promise<BatchOutcome> {
  let epoch: bigint | null = null;
  if (hasAdmissions(ops)) {
    // Shared lock: a reaper fencing this instance (an UPDATE of this row) waits for our commit,
    // and sees the heartbeat we refresh here if it had gone quiet (see reaper.ts).
    const instance = await tx.selectFrom("instances").select(["epoch", "heartbeat_at"]).where("id", "=", context.instanceId).forShare().executeTakeFirst();
    if (!instance) throw new Error(`instance ${context.instanceId} is not registered`);
    epoch = instance.epoch;
    if (BigInt(context.now) - instance.heartbeat_at > BigInt(context.refreshHeartbeatAfterMs)) {
      await tx.updateTable("instances").set({ heartbeat_at: BigInt(context.now) }).where("id", "=", context.instanceId).execute();
    }
  }
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
      .selectFrom("key_counters as c")
      .innerJoin("api_keys as k", "k.id", "c.key_id")
      .selectAll("c")
      .select(["k.limit_amount", "k.limit_reset"])
      .where("c.key_id", "in", ids)
      .orderBy("c.key_id")
      .modifyEnd(sql`for update of c`)
      .execute();
    for (const k of rows) keys.set(k.key_id, k);
  }
  const balances = new Map<string, BalanceRow>();
  for (const ids of chunks(tenantIds)) {
    const rows = await tx
      .selectFrom("balances")
      .select(["tenant_id", "balance", "held", "credited", "debited"])
      .where("tenant_id", "in", ids)
      .orderBy("tenant_id")
      .forUpdate()
      .execute();
    for (const b of rows) balances.set(b.tenant_id, b);
  }

  const { results, writes } = planBatch(ops, { holds, keys, balances }, { now: context.now, instanceId: context.instanceId, epoch: epoch ?? 0n });
  const now = BigInt(context.now);
  for (const rows of chunks(writes.newHolds)) await tx.insertInto("holds").values(rows).execute();
  for (const e of writes.ends) {
    await tx.updateTable("holds").set({ status: e.status, ended_at: now, late: e.late ? 1n : 0n, charge: e.charge, upstream_cost: e.upstreamCost }).where("request_id", "=", e.requestId).execute();
  }
  for (const rows of chunks(writes.entries)) await tx.insertInto("ledger_entries").values(rows).execute();
  for (const n of writes.notes) {
    await tx
      .updateTable("holds")
      .set((eb) => ({ generation_id: eb.fn.coalesce(eb.val(n.generationId), eb.ref("generation_id")), credential_id: n.credentialId }))
      .where("request_id", "=", n.requestId)
      .where("status", "=", "pending")
      .execute();
  }
  for (const k of writes.keys) {
    const { key_id, limit_amount: _limit, limit_reset: _reset, ...counters } = k;
    await tx.updateTable("key_counters").set(counters).where("key_id", "=", key_id).execute();
  }
  for (const b of writes.balances) {
    await tx
      .updateTable("balances")
      .set({ balance: b.balance, held: b.held, credited: b.credited, debited: b.debited, updated_at: now })
      .where("tenant_id", "=", b.tenant_id)
      .execute();
  }
  for (const a of writes.accounts) await bumpAccount(tx, a.id, a, now);
  return { results, epoch };
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
