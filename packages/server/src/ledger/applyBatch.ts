// One group-commit transaction. Lock order is fixed (holds → api_keys → balances, each sorted by
// id) so concurrent batches from several instances cannot deadlock; decisions are made on the
// locked rows in memory, then written back with a handful of statements.
import type { Transaction } from "kysely";
import type { Dialect } from "../store/dialect.js";
import type { ApiKeysTable, BalancesTable, CallsTable, Database, HoldsTable, LedgerEntriesTable } from "../store/schema.js";
import type { LedgerOp, LedgerResult } from "./operations.js";
import { periodStart } from "./periods.js";

type KeyRow = Pick<ApiKeysTable, "id" | "limit_amount" | "limit_reset" | "usage" | "period_usage" | "period_start" | "held">;
type BalanceRow = Pick<BalancesTable, "tenant_id" | "balance" | "held">;
type HoldRow = Pick<HoldsTable, "request_id" | "tenant_id" | "key_id" | "amount" | "status">;

const CHUNK = 200;

export async function applyBatch(
  tx: Transaction<Database>,
  dialect: Dialect,
  ops: LedgerOp[],
  context: { now: number; instanceId: string },
): Promise<LedgerResult[]> {
  const { now, instanceId } = context;
  const ending = ops.filter((o) => o.type === "settle" || o.type === "release").map((o) => o.requestId);
  const holds = new Map<string, HoldRow>();
  for (const ids of chunks(unique(ending).sort())) {
    let q = tx.selectFrom("holds").select(["request_id", "tenant_id", "key_id", "amount", "status"]).where("request_id", "in", ids).orderBy("request_id");
    if (dialect === "postgres") q = q.forUpdate();
    for (const h of await q.execute()) holds.set(h.request_id, h);
  }

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
  const keys = new Map<string, KeyRow>();
  for (const ids of chunks([...keyIds].sort())) {
    let q = tx
      .selectFrom("api_keys")
      .select(["id", "limit_amount", "limit_reset", "usage", "period_usage", "period_start", "held"])
      .where("id", "in", ids)
      .orderBy("id");
    if (dialect === "postgres") q = q.forUpdate();
    for (const k of await q.execute()) keys.set(k.id, k);
  }
  const balances = new Map<string, BalanceRow>();
  for (const ids of chunks([...tenantIds].sort())) {
    let q = tx.selectFrom("balances").select(["tenant_id", "balance", "held"]).where("tenant_id", "in", ids).orderBy("tenant_id");
    if (dialect === "postgres") q = q.forUpdate();
    for (const b of await q.execute()) balances.set(b.tenant_id, b);
  }

  const newHolds: HoldsTable[] = [];
  const settled: string[] = [];
  const released: string[] = [];
  const entries: Array<Omit<LedgerEntriesTable, "id">> = [];
  const calls: CallsTable[] = [];
  const generations: Array<{ requestId: string; generationId: string; credentialId: string }> = [];
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
        newHolds.push({
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
        const call = op.call;
        if (op.type === "settle") {
          rollPeriod(key, now);
          key.usage += charge;
          key.period_usage += charge;
          balance.balance -= charge;
          settled.push(op.requestId);
          entries.push({
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
          released.push(op.requestId);
        }
        if (call) calls.push({ ...call, request_id: op.requestId, tenant_id: hold.tenant_id, key_id: hold.key_id });
        return { ended: true, overdraft: charge > hold.amount ? charge - hold.amount : 0n };
      }
      case "generation":
        generations.push(op);
        return null;
    }
  });

  for (const rows of chunks(newHolds)) await tx.insertInto("holds").values(rows).execute();
  for (const [status, ids] of [["settled", settled], ["released", released]] as const) {
    for (const c of chunks(ids)) {
      await tx.updateTable("holds").set({ status, ended_at: bigNow }).where("request_id", "in", c).execute();
    }
  }
  for (const rows of chunks(entries)) await tx.insertInto("ledger_entries").values(rows).execute();
  for (const rows of chunks(calls)) await tx.insertInto("calls").values(rows).execute();
  for (const g of generations) {
    if (endedHere.has(g.requestId)) continue;
    await tx
      .updateTable("holds")
      .set({ generation_id: g.generationId, credential_id: g.credentialId })
      .where("request_id", "=", g.requestId)
      .where("status", "=", "open")
      .execute();
  }
  for (const id of [...touchedKeys].sort()) {
    const k = keys.get(id) as KeyRow;
    await tx
      .updateTable("api_keys")
      .set({ usage: k.usage, period_usage: k.period_usage, period_start: k.period_start, held: k.held })
      .where("id", "=", id)
      .execute();
  }
  for (const id of [...touchedTenants].sort()) {
    const b = balances.get(id) as BalanceRow;
    await tx.updateTable("balances").set({ balance: b.balance, held: b.held, updated_at: bigNow }).where("tenant_id", "=", id).execute();
  }
  return results;
}

/** A key whose period ended starts the new one with zero usage. */
function rollPeriod(key: KeyRow, now: number): void {
  const start = BigInt(periodStart(key.limit_reset, now));
  if (key.period_start < start) {
    key.period_start = start;
    key.period_usage = 0n;
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

