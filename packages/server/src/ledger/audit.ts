// `vendo audit`: the ledger proves itself (docs/money.md, invariants 1 and 2). Every account's
// running sums equal its journal; every transfer balances, so all accounts together sum to zero;
// held equals the pending holds; each posted hold's charge equals its legs and no hold was posted
// twice; no hold of a silent instance is left pending. Agreement with the upstream's own record
// (invariant 5) is reconciliation.ts's check, run beside this one by the CLI.
import { sql } from "kysely";
import { DEFAULT_INSTANCE_STALE_MS } from "../config.js";
import type { Store } from "../store/db.js";
import { tenantAccount } from "./accountIds.js";
import type { Nanos } from "./money.js";

export interface TenantAudit {
  tenantId: string;
  balance: Nanos;
  /** credits − debits of the tenant's transfers in the journal. */
  entriesSum: Nanos;
  held: Nanos;
  pendingHoldsSum: Nanos;
  credited: Nanos;
  entriesCredited: Nanos;
  debited: Nanos;
  entriesDebited: Nanos;
  /** Pending holds whose instance has been silent past the stale window and past the hold's expiry. */
  leakedHolds: bigint;
  ok: boolean;
}

export interface AccountAudit {
  account: string;
  debits: Nanos;
  credits: Nanos;
  entriesDebits: Nanos;
  entriesCredits: Nanos;
  ok: boolean;
}

export interface LedgerAudit {
  ok: boolean;
  tenants: TenantAudit[];
  accounts: AccountAudit[];
  /** Σ over every account of credits − debits: zero when every transfer balances (double entry). */
  conservation: Nanos;
  /** Keys whose counters disagree with their pending holds or posted charges. */
  keys: Array<{ keyId: string; held: Nanos; pendingHoldsSum: Nanos; usage: Nanos; postedSum: Nanos }>;
  /** Holds whose posted charge differs from their legs, or that were posted more than once. */
  holds: Array<{ requestId: string; charge: Nanos; legsSum: Nanos; duplicateLegs: number }>;
}

const big = (v: unknown): bigint => BigInt(String(v ?? 0));

export async function auditLedger(store: Store, now = Date.now(), staleAfterMs = DEFAULT_INSTANCE_STALE_MS): Promise<LedgerAudit> {
  const { db } = store;
  const silent = db.selectFrom("instances").select("id").where("heartbeat_at", "<", BigInt(now - staleAfterMs));

  const legs = await db
    .selectFrom(
      db
        .selectFrom("ledger_entries")
        .select(["debit_account as account", "amount as debit", sql<bigint>`0`.as("credit")])
        .unionAll(db.selectFrom("ledger_entries").select(["credit_account as account", sql<bigint>`0`.as("debit"), "amount as credit"]))
        .as("legs"),
    )
    .select(["account", sql<string>`sum(debit)`.as("debits"), sql<string>`sum(credit)`.as("credits")])
    .groupBy("account")
    .execute();
  const journal = new Map(legs.map((l) => [l.account, { debits: big(l.debits), credits: big(l.credits) }]));
  const fromJournal = (account: string) => journal.get(account) ?? { debits: 0n, credits: 0n };

  const pendingByTenant = await db
    .selectFrom("holds")
    .select(["tenant_id", sql<string>`sum(amount)`.as("s")])
    .where("status", "=", "pending")
    .groupBy("tenant_id")
    .execute();
  const pending = new Map(pendingByTenant.map((r) => [r.tenant_id, big(r.s)]));
  const leakedByTenant = await db
    .selectFrom("holds")
    .select(["tenant_id", sql<string>`count(*)`.as("n")])
    .where("status", "=", "pending")
    .where("expires_at", "<", BigInt(now))
    .where("instance_id", "in", silent)
    .groupBy("tenant_id")
    .execute();
  const leaked = new Map(leakedByTenant.map((r) => [r.tenant_id, big(r.n)]));

  let conservation = 0n;
  const balances = await db.selectFrom("balances").selectAll().orderBy("tenant_id").execute();
  const tenants: TenantAudit[] = balances.map((b) => {
    const sums = fromJournal(tenantAccount(b.tenant_id));
    journal.delete(tenantAccount(b.tenant_id));
    conservation += b.balance;
    const row = {
      tenantId: b.tenant_id,
      balance: b.balance,
      entriesSum: sums.credits - sums.debits,
      held: b.held,
      pendingHoldsSum: pending.get(b.tenant_id) ?? 0n,
      credited: b.credited,
      entriesCredited: sums.credits,
      debited: b.debited,
      entriesDebited: sums.debits,
      leakedHolds: leaked.get(b.tenant_id) ?? 0n,
    };
    const ok =
      row.balance === row.entriesSum && row.held === row.pendingHoldsSum && row.credited === row.entriesCredited && row.debited === row.entriesDebited && row.leakedHolds === 0n;
    return { ...row, ok };
  });

  const operatorRows = await db.selectFrom("accounts").selectAll().orderBy("id").execute();
  const accounts: AccountAudit[] = operatorRows.map((a) => {
    const sums = fromJournal(a.id);
    journal.delete(a.id);
    conservation += a.credits - a.debits;
    return { account: a.id, debits: a.debits, credits: a.credits, entriesDebits: sums.debits, entriesCredits: sums.credits, ok: a.debits === sums.debits && a.credits === sums.credits };
  });
  // An account the journal moves but nobody keeps a sum of is a mismatch too.
  for (const [account, sums] of journal) {
    accounts.push({ account, debits: 0n, credits: 0n, entriesDebits: sums.debits, entriesCredits: sums.credits, ok: false });
  }

  const keyRows = await db
    .selectFrom("key_counters as c")
    .select((eb) => [
      "c.key_id",
      "c.held",
      "c.usage",
      eb.selectFrom("holds as h").whereRef("h.key_id", "=", "c.key_id").where("h.status", "=", "pending").select(sql<string>`coalesce(sum(h.amount), 0)`.as("s")).as("pending"),
      eb.selectFrom("holds as h").whereRef("h.key_id", "=", "c.key_id").where("h.status", "=", "posted").select(sql<string>`coalesce(sum(h.charge), 0)`.as("s")).as("posted"),
    ])
    .execute();
  const keys = keyRows
    .map((k) => ({ keyId: k.key_id, held: k.held, pendingHoldsSum: big(k.pending), usage: k.usage, postedSum: big(k.posted) }))
    .filter((k) => k.held !== k.pendingHoldsSum || k.usage !== k.postedSum);

  // Posted holds against their legs: one query over the journal's per-call transfers.
  // A post writes at most one charge and one markup leg, two overage legs, and owes one credential.
  const count = (kind: string) => sql<string>`sum(case when kind = ${kind} then 1 else 0 end)`;
  const perCall = await db
    .selectFrom("ledger_entries")
    .select([
      "request_id",
      sql<string>`sum(amount)`.as("s"),
      count("charge").as("charges"),
      count("markup").as("markups"),
      count("overage").as("overages"),
      sql<string>`count(distinct case when credit_account like 'payable:%' then credit_account end)`.as("payables"),
    ])
    .where("request_id", "is not", null)
    .groupBy("request_id")
    .execute();
  const beyond = (n: unknown, allowed: number) => Math.max(0, Number(n ?? 0) - allowed);
  const legsByCall = new Map(
    perCall.map((r) => [
      r.request_id as string,
      { sum: big(r.s), dup: beyond(r.charges, 1) + beyond(r.markups, 1) + beyond(r.overages, 2) + beyond(r.payables, 1) },
    ]),
  );
  const posted = await db.selectFrom("holds").select(["request_id", "charge"]).where("status", "=", "posted").execute();
  const holds: LedgerAudit["holds"] = [];
  for (const h of posted) {
    const found = legsByCall.get(h.request_id) ?? { sum: 0n, dup: 0 };
    legsByCall.delete(h.request_id);
    if (found.sum !== h.charge || found.dup > 0) holds.push({ requestId: h.request_id, charge: h.charge, legsSum: found.sum, duplicateLegs: found.dup });
  }
  // Legs posted against a hold that is not posted: money moved without a resolution.
  for (const [requestId, found] of legsByCall) holds.push({ requestId, charge: 0n, legsSum: found.sum, duplicateLegs: found.dup });

  const ok = tenants.every((t) => t.ok) && accounts.every((a) => a.ok) && conservation === 0n && keys.length === 0 && holds.length === 0;
  return { ok, tenants, accounts, conservation, keys, holds };
}
