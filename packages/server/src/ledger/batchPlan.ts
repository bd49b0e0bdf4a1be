// The ledger's decisions for one group-commit batch, with no I/O: given the operations and the
// rows they touch (locked by the caller), say what each operation gets and what must be written.
// Both stores run the same plan; only how rows are read and written differs (sqliteBatch.ts,
// postgresBatch.ts). The model is docs/money.md's: holds are pending transfers, resolved once.
import type { ApiKeysTable, BalancesTable, HoldsTable, HoldStatus, KeyCountersTable, LedgerEntriesTable, LedgerEntryKind } from "../store/schema.js";
import { payableAccount, revenueAccount, tenantAccount } from "./accountIds.js";
import { addExact, scaleExact, toNanos, type Nanos } from "./money.js";
import type { AdmitOp, EndResult, FitRequest, LedgerOp, LedgerResult, NoteOp, Posting } from "./operations.js";
import { periodStart } from "./periods.js";

export type KeyRow = KeyCountersTable & Pick<ApiKeysTable, "limit_amount" | "limit_reset">;
export type BalanceRow = Pick<BalancesTable, "tenant_id" | "balance" | "held" | "credited" | "debited">;
export type HoldRow = Pick<HoldsTable, "request_id" | "tenant_id" | "key_id" | "amount" | "status">;
export type NewEntry = Omit<LedgerEntriesTable, "id">;

export interface LockedRows {
  holds: Map<string, HoldRow>;
  keys: Map<string, KeyRow>;
  balances: Map<string, BalanceRow>;
}

/** What a store's batch runner is given (sqliteBatch.ts, postgresBatch.ts). */
export interface StoreBatchContext {
  now: number;
  instanceId: string;
  /** An admitting batch refreshes the instance's heartbeat when it is older than this (ms), so a
   *  reaper cannot fence an instance in the middle of its admissions (see reaper.ts). */
  refreshHeartbeatAfterMs: number;
}

export interface BatchOutcome {
  results: LedgerResult[];
  /** The instance's epoch as its row said, when the batch admitted (null otherwise). */
  epoch: bigint | null;
}

export interface BatchContext {
  now: number;
  instanceId: string;
  /** The instance's epoch as its row says now (a reaper may have bumped it): new holds carry it. */
  epoch: bigint;
}

/** A hold this batch resolves. */
export interface HoldEnd {
  requestId: string;
  status: Exclude<HoldStatus, "pending">;
  late: boolean;
  /** Posted holds: the charge and upstream cost (nano-USD); 0n otherwise. */
  charge: Nanos;
  upstreamCost: Nanos;
  /** The call's correlation, when known by the end (null: leave what the hold has). */
  generationId: string | null;
  credentialId: string | null;
}

/** Increments of an operator account (`accounts` row), applied with an upsert. */
export interface AccountDelta {
  id: string;
  debits: Nanos;
  credits: Nanos;
}

export interface BatchWrites {
  newHolds: HoldsTable[];
  ends: HoldEnd[];
  entries: NewEntry[];
  /** Notes for holds placed by earlier batches and still pending after this one. */
  notes: NoteOp[];
  /** Rows changed in memory, to write back (sorted by id: one lock order everywhere). */
  keys: KeyRow[];
  balances: BalanceRow[];
  accounts: AccountDelta[];
}

/** The holds this batch ends (sorted): they are read first, as they name the accounts to lock. */
export function endingRequestIds(ops: LedgerOp[]): string[] {
  const ids = new Set<string>();
  for (const op of ops) if (op.type === "post" || op.type === "void" || op.type === "expire") ids.add(op.requestId);
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
    } else if (op.type !== "note") {
      const hold = holds.get(op.requestId);
      if (hold) {
        keyIds.add(hold.key_id);
        tenantIds.add(hold.tenant_id);
      }
    }
  }
  return { keyIds: [...keyIds].sort(), tenantIds: [...tenantIds].sort() };
}

export function hasAdmissions(ops: LedgerOp[]): boolean {
  return ops.some((op) => op.type === "admit");
}

/** Decides every operation in order against the locked rows (which it updates in memory). */
export function planBatch(ops: LedgerOp[], rows: LockedRows, context: BatchContext): { results: LedgerResult[]; writes: BatchWrites } {
  const { now } = context;
  const { holds, keys, balances } = rows;
  const writes: BatchWrites = { newHolds: [], ends: [], entries: [], notes: [], keys: [], balances: [], accounts: [] };
  const touchedKeys = new Set<string>();
  const touchedTenants = new Set<string>();
  const accounts = new Map<string, AccountDelta>();
  const placedHere = new Map<string, HoldsTable>();
  const notesHere = new Map<string, NoteOp>();
  const bigNow = BigInt(now);

  const credit = (id: string, amount: Nanos) => {
    const delta = accounts.get(id) ?? { id, debits: 0n, credits: 0n };
    delta.credits += amount;
    accounts.set(id, delta);
  };

  /** Resolves a pending hold: its amount is no longer held. */
  const endHold = (hold: HoldRow, status: HoldEnd["status"], late: boolean, posting?: Posting, generationId?: string | null) => {
    if (hold.status === "pending") {
      const key = keys.get(hold.key_id);
      const balance = balances.get(hold.tenant_id);
      if (!key || !balance) throw new Error(`hold ${hold.request_id} points at a missing key or account`);
      key.held -= hold.amount;
      balance.held -= hold.amount;
      touchedKeys.add(key.key_id);
      touchedTenants.add(balance.tenant_id);
    }
    hold.status = status;
    const note = notesHere.get(hold.request_id);
    writes.ends.push({
      requestId: hold.request_id,
      status,
      late,
      charge: posting?.charge ?? 0n,
      upstreamCost: posting?.upstreamCost ?? 0n,
      generationId: generationId ?? note?.generationId ?? null,
      credentialId: posting?.credentialId ?? note?.credentialId ?? null,
    });
  };

  const results = ops.map((op): LedgerResult => {
    switch (op.type) {
      case "admit":
        return admit(op);
      case "post": {
        const hold = holds.get(op.requestId);
        if (!hold) return end("missing");
        // An expired hold was released by a reaper while its call still ran: the charge is a fact.
        if (hold.status !== "pending" && hold.status !== "expired") return end("duplicate");
        const late = hold.status === "expired";
        endHold(hold, "posted", late, op.posting, op.generationId);
        const overage = post(hold, op.posting);
        return end(late ? "posted_late" : "posted", overage);
      }
      case "void":
      case "expire": {
        const hold = holds.get(op.requestId);
        if (!hold) return end("missing");
        if (hold.status !== "pending") return end("duplicate");
        endHold(hold, op.type === "void" ? "voided" : "expired", false);
        return end(op.type === "void" ? "voided" : "expired");
      }
      case "note": {
        const placed = placedHere.get(op.requestId);
        if (placed) {
          placed.credential_id = op.credentialId;
          placed.generation_id = op.generationId ?? placed.generation_id;
        } else {
          // Several notes of one call in a batch become one: the latest credential, the generation once known.
          const earlier = notesHere.get(op.requestId);
          const merged = { ...op, generationId: op.generationId ?? earlier?.generationId ?? null };
          notesHere.set(op.requestId, merged);
        }
        return null;
      }
    }
  });

  function admit(op: AdmitOp): LedgerResult {
    const key = keys.get(op.keyId);
    const balance = balances.get(op.tenantId);
    if (!key || !balance) return { ok: false, reason: "unknown_account", needed: op.amount, available: 0n };
    rollPeriods(key, now);
    const balanceLeft = balance.balance - balance.held;
    const keyLeft = key.limit_amount === null ? null : key.limit_amount - key.period_usage - key.held;
    const available = keyLeft !== null && keyLeft < balanceLeft ? keyLeft : balanceLeft;
    let amount = op.amount;
    let fittedTokens: number | undefined;
    if (amount > available) {
      const fitted = op.fit ? fitTokens(op.fit, available) : null;
      if (fitted === null) {
        const reason = keyLeft !== null && keyLeft < balanceLeft ? "key_limit" : "insufficient_balance";
        return { ok: false, reason, needed: op.amount, available: available > 0n ? available : 0n };
      }
      ({ amount, tokens: fittedTokens } = fitted);
    }
    key.held += amount;
    balance.held += amount;
    touchedKeys.add(key.key_id);
    touchedTenants.add(balance.tenant_id);
    const hold: HoldsTable = {
      request_id: op.requestId,
      tenant_id: op.tenantId,
      key_id: op.keyId,
      amount,
      status: "pending",
      instance_id: context.instanceId,
      epoch: context.epoch,
      integration: op.integration,
      model: op.model,
      generation_id: null,
      credential_id: null,
      created_at: bigNow,
      expires_at: BigInt(op.expiresAt),
      ended_at: null,
      late: 0n,
      charge: 0n,
      upstream_cost: 0n,
    };
    writes.newHolds.push(hold);
    placedHere.set(op.requestId, hold);
    holds.set(op.requestId, hold);
    return fittedTokens === undefined ? { ok: true, amount } : { ok: true, amount, fittedTokens };
  }

  /** Posts a call's charge against its hold; returns the overage (the part beyond the hold). */
  function post(hold: HoldRow, posting: Posting): Nanos {
    const key = keys.get(hold.key_id);
    const balance = balances.get(hold.tenant_id);
    if (!key || !balance) throw new Error(`hold ${hold.request_id} points at a missing key or account`);
    const { charge } = posting;
    if (charge > 0n) {
      rollPeriods(key, now);
      key.usage += charge;
      key.period_usage += charge;
      key.day_usage += charge;
      key.week_usage += charge;
      key.month_usage += charge;
      balance.balance -= charge;
      balance.debited += charge;
      touchedKeys.add(key.key_id);
      touchedTenants.add(balance.tenant_id);
    }
    const legs = postingLegs(posting, hold.amount);
    for (const leg of legs) {
      credit(leg.creditAccount, leg.amount);
      writes.entries.push({
        kind: leg.kind,
        debit_account: tenantAccount(hold.tenant_id),
        credit_account: leg.creditAccount,
        amount: leg.amount,
        tenant_id: hold.tenant_id,
        request_id: hold.request_id,
        idempotency_key: null,
        memo: leg.kind === "overage" ? `beyond the hold of ${hold.amount} nano-USD` : null,
        created_at: bigNow,
      });
    }
    return charge > hold.amount ? charge - hold.amount : 0n;
  }

  // A note for a call that ended in this very batch has nothing left to describe.
  const endedHere = new Set(writes.ends.map((e) => e.requestId));
  writes.notes = [...notesHere.values()].filter((n) => !endedHere.has(n.requestId));
  for (const id of [...touchedKeys].sort()) writes.keys.push(keys.get(id) as KeyRow);
  for (const id of [...touchedTenants].sort()) writes.balances.push(balances.get(id) as BalanceRow);
  writes.accounts = [...accounts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { results, writes };
}

function end(outcome: EndResult["outcome"], overage: Nanos = 0n): EndResult {
  return { outcome, overage };
}

export interface Leg {
  kind: Extract<LedgerEntryKind, "charge" | "markup" | "overage">;
  creditAccount: string;
  amount: Nanos;
}

/**
 * The transfers that post a charge, all debiting the tenant: the upstream cost to
 * `payable:<credential>` (kind charge), the rest to `revenue:<integration>` (kind markup), and
 * whatever lies beyond the hold as kind overage (upstream cost first, then revenue). Zero legs are
 * not written.
 */
export function postingLegs(posting: Posting, held: Nanos): Leg[] {
  const payable = posting.credentialId === null ? 0n : posting.upstreamCost < posting.charge ? posting.upstreamCost : posting.charge;
  const revenue = posting.charge - payable;
  const within = posting.charge < held ? posting.charge : held > 0n ? held : 0n;
  const payableWithin = payable < within ? payable : within;
  const revenueWithin = within - payableWithin;
  const payableTo = posting.credentialId === null ? null : payableAccount(posting.credentialId);
  const revenueTo = revenueAccount(posting.integration);
  const legs: Leg[] = [];
  if (payableTo && payableWithin > 0n) legs.push({ kind: "charge", creditAccount: payableTo, amount: payableWithin });
  if (revenueWithin > 0n) legs.push({ kind: "markup", creditAccount: revenueTo, amount: revenueWithin });
  if (payableTo && payable - payableWithin > 0n) legs.push({ kind: "overage", creditAccount: payableTo, amount: payable - payableWithin });
  if (revenue - revenueWithin > 0n) legs.push({ kind: "overage", creditAccount: revenueTo, amount: revenue - revenueWithin });
  return legs;
}

/** The largest completion bound in [minTokens, maxTokens] whose hold fits `available`; null if none. */
export function fitTokens(fit: FitRequest, available: Nanos): { tokens: number; amount: Nanos } | null {
  const holdFor = (tokens: number) => toNanos(addExact(fit.fixed, scaleExact(fit.perToken, BigInt(tokens))), fit.markupBps, "up");
  if (fit.maxTokens < fit.minTokens || holdFor(fit.minTokens) > available) return null;
  let low = fit.minTokens;
  let high = fit.maxTokens;
  while (low < high) {
    const mid = low + Math.ceil((high - low) / 2);
    if (holdFor(mid) <= available) low = mid;
    else high = mid - 1;
  }
  return { tokens: low, amount: holdFor(low) };
}

/** A key whose periods ended starts each new one with zero usage. */
function rollPeriods(key: KeyRow, now: number): void {
  const limitStart = BigInt(periodStart(key.limit_reset, now));
  if (key.period_start < limitStart) {
    key.period_start = limitStart;
    key.period_usage = 0n;
  }
  const day = BigInt(periodStart("daily", now));
  if (key.day_start < day) {
    key.day_start = day;
    key.day_usage = 0n;
  }
  const week = BigInt(periodStart("weekly", now));
  if (key.week_start < week) {
    key.week_start = week;
    key.week_usage = 0n;
  }
  const month = BigInt(periodStart("monthly", now));
  if (key.month_start < month) {
    key.month_start = month;
    key.month_usage = 0n;
  }
}
