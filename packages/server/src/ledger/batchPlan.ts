// The ledger's decisions for one group-commit batch, with no I/O: given the operations and the
// rows they touch (locked by the caller), say what each operation gets and what must be written.
// Both stores run the same plan; only how rows are read and written differs (sqliteBatch.ts,
// postgresBatch.ts).
import type { ApiKeysTable, BalancesTable, CallsTable, HoldsTable, LedgerEntriesTable } from "../store/schema.js";
import type { GenerationOp, LedgerOp, LedgerResult } from "./operations.js";
import { periodStart } from "./periods.js";

export type KeyRow = Pick<ApiKeysTable, "id" | "limit_amount" | "limit_reset" | "usage" | "period_usage" | "period_start" | "held">;
export type BalanceRow = Pick<BalancesTable, "tenant_id" | "balance" | "held">;
export type HoldRow = Pick<HoldsTable, "request_id" | "tenant_id" | "key_id" | "amount" | "status">;
export type NewEntry = Omit<LedgerEntriesTable, "id">;

export interface LockedRows {
  holds: Map<string, HoldRow>;
  keys: Map<string, KeyRow>;
  balances: Map<string, BalanceRow>;
}

export interface BatchWrites {
  newHolds: HoldsTable[];
  settled: string[];
  released: string[];
  entries: NewEntry[];
  calls: CallsTable[];
  /** Generation notes for holds still open after this batch. */
  generations: GenerationOp[];
  /** Rows changed in memory, to write back (sorted by id: one lock order everywhere). */
  keys: KeyRow[];
  balances: BalanceRow[];
}

/** The holds this batch ends (sorted): they are read first, as they name the accounts to lock. */
export function endingRequestIds(ops: LedgerOp[]): string[] {
  const ids = new Set<string>();
  for (const op of ops) if (op.type === "settle" || op.type === "release") ids.add(op.requestId);
  return [...ids].sort();
}

/** The keys and accounts the batch touches (each sorted), once its holds are known. */
export function accountsToLock(ops: LedgerOp[], holds: Map<string, HoldRow>): { keyIds: string[]; tenantIds: string[] } {
  const keyIds = new Set<string>();
  const tenantIds = new Set<string>();
  for (const op of ops) {
    if (op.type === "admit") {
      keyIds.add(op.keyId);
      tenantIds.add(op.tenantId);
    }
    const hold = op.type === "settle" || op.type === "release" ? holds.get(op.requestId) : undefined;
    if (hold) {
      keyIds.add(hold.key_id);
      tenantIds.add(hold.tenant_id);
    }
  }
  return { keyIds: [...keyIds].sort(), tenantIds: [...tenantIds].sort() };
}

/** Decides every operation in order against the locked rows (which it updates in memory). */
export function planBatch(ops: LedgerOp[], rows: LockedRows, context: { now: number; instanceId: string }): { results: LedgerResult[]; writes: BatchWrites } {
  const { now, instanceId } = context;
  const { holds, keys, balances } = rows;
  const writes: BatchWrites = { newHolds: [], settled: [], released: [], entries: [], calls: [], generations: [], keys: [], balances: [] };
  const touchedKeys = new Set<string>();
  const touchedTenants = new Set<string>();
  const endedHere = new Set<string>();
  const bigNow = BigInt(now);

  const results = ops.map((op): LedgerResult => {
    switch (op.type) {
      case "admit": {
        const key = keys.get(op.keyId);
        const balance = balances.get(op.tenantId);
        if (!key || !balance) return { ok: false, reason: "unknown_account" };
        rollPeriod(key, now);
        if (key.limit_amount !== null && key.period_usage + key.held + op.amount > key.limit_amount) {
          return { ok: false, reason: "key_limit" };
        }
        if (balance.balance - balance.held < op.amount) return { ok: false, reason: "insufficient_balance" };
        key.held += op.amount;
        balance.held += op.amount;
        touchedKeys.add(key.id);
        touchedTenants.add(balance.tenant_id);
        writes.newHolds.push({
          request_id: op.requestId,
          tenant_id: op.tenantId,
          key_id: op.keyId,
          amount: op.amount,
          status: "open",
          instance_id: instanceId,
          integration: op.integration,
          model: op.model,
          generation_id: null,
          credential_id: null,
          created_at: bigNow,
          expires_at: BigInt(op.expiresAt),
          ended_at: null,
        });
        return { ok: true };
      }
      case "settle":
      case "release": {
        const hold = holds.get(op.requestId);
        if (!hold || hold.status !== "open" || endedHere.has(op.requestId)) return { ended: false, overdraft: 0n };
        endedHere.add(op.requestId);
        const key = keys.get(hold.key_id);
        const balance = balances.get(hold.tenant_id);
        if (!key || !balance) throw new Error(`hold ${hold.request_id} points at a missing key or account`);
        key.held -= hold.amount;
        balance.held -= hold.amount;
        touchedKeys.add(key.id);
        touchedTenants.add(balance.tenant_id);
        const charge = op.type === "settle" ? op.call.charge : 0n;
        if (op.type === "settle") {
          rollPeriod(key, now);
          key.usage += charge;
          key.period_usage += charge;
          balance.balance -= charge;
          writes.settled.push(op.requestId);
          writes.entries.push({
            tenant_id: hold.tenant_id,
            kind: "charge",
            amount: -charge,
            request_id: op.requestId,
            idempotency_key: null,
            // A charge above its hold is written down as such: the only way a balance can dip.
            memo: charge > hold.amount ? `overdraft: charge exceeded hold by ${charge - hold.amount} nano-USD` : null,
            created_at: bigNow,
          });
        } else {
          writes.released.push(op.requestId);
        }
        if (op.call) writes.calls.push({ ...op.call, request_id: op.requestId, tenant_id: hold.tenant_id, key_id: hold.key_id });
        return { ended: true, overdraft: charge > hold.amount ? charge - hold.amount : 0n };
      }
      case "generation":
        writes.generations.push(op);
        return null;
    }
  });

  // A note for a call that ended in this very batch has nothing left to describe.
  writes.generations = writes.generations.filter((g) => !endedHere.has(g.requestId));
  for (const id of [...touchedKeys].sort()) writes.keys.push(keys.get(id) as KeyRow);
  for (const id of [...touchedTenants].sort()) writes.balances.push(balances.get(id) as BalanceRow);
  return { results, writes };
}

/** A key whose period ended starts the new one with zero usage. */
function rollPeriod(key: KeyRow, now: number): void {
  const start = BigInt(periodStart(key.limit_reset, now));
  if (key.period_start < start) {
    key.period_start = start;
    key.period_usage = 0n;
  }
}
