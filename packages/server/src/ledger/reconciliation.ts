// Reconciliation with the upstream's own record (docs/money.md, invariant 5): per pool credential,
// what the upstream says it billed (its usage since the credential joined the pool) against what
// Vendo's books say it owes for it (payable:<credential>, which charges and booked unexplained
// spend credit). A positive difference with no call running on the credential is upstream spend no
// call explains: it is booked to unexplained:<credential>, so the books agree again. A negative one
// (Vendo booked more than the upstream billed) cannot be explained and is reported.
import { sql } from "kysely";
import type { Logger } from "pino";
import type { Store } from "../store/db.js";
import { payableAccount, unexplainedAccount } from "./accountIds.js";
import type { Nanos } from "./money.js";
import { bumpAccount } from "./operatorAccounts.js";

/** agreed: no drift · booked: drift no running call can explain, booked as unexplained ·
 *  drift: the same found by a dry run (`vendo audit`), not booked · in_flight: a drift the calls
 *  still running may explain, nothing booked · negative: books exceed the upstream's record ·
 *  unreachable: the upstream did not answer · no_upstream_record: the upstream keeps no usage
 *  record for the credential that Vendo can read (nothing to compare with: the books are Vendo's
 *  alone). (A recorded run may also say `rebaselined`.) */
export type ReconcileOutcome = "booked" | "drift" | "agreed" | "in_flight" | "negative" | "unreachable" | "no_upstream_record";

export interface CredentialReconciliation {
  credentialId: string;
  integration: string;
  outcome: ReconcileOutcome;
  /** The upstream's usage since the credential joined (nano-USD); null when unreachable. */
  upstreamUsage: Nanos | null;
  /** What the books owed for it before this run (nano-USD). */
  booked: Nanos;
  /** upstreamUsage − booked, before this run booked anything. */
  drift: Nanos;
  /** Booked by this run as unexplained spend. */
  bookedUnexplained: Nanos;
  /** Calls running on the credential (or not yet attributed to one) when it was read. */
  inFlight: number;
  /** The most those calls can cost upstream: the sum of their holds (nano-USD). */
  inFlightBound: Nanos;
}

export interface ReconciliationDeps {
  store: Store;
  logger: Logger;
  /** The upstream's lifetime usage figure for a credential (nano-USD); null when the upstream keeps
   *  no such record; throws when unreachable. */
  readUsage(credential: { id: string; integration: string }): Promise<Nanos | null>;
}

export interface ReconcileOptions {
  /** Only report drift, book nothing (`vendo audit`). */
  dryRun?: boolean;
  now?: number;
}

const ATTEMPTS = 3;

// A disabled credential's last calls are billed within minutes; a day later it leaves reconciliation
// (its key may well be revoked upstream by then).
const DISABLED_RECONCILED_FOR_MS = 24 * 3_600_000;

/** Reconciles every baselined pool credential (enabled, or disabled within a day); see the file's comment. */
export async function reconcileWithUpstream(deps: ReconciliationDeps, options: ReconcileOptions = {}): Promise<CredentialReconciliation[]> {
  const now = options.now ?? Date.now();
  const credentials = await deps.store.db
    .selectFrom("pool_credentials")
    .select(["id", "integration", "baseline_usage"])
    .where("baseline_usage", "is not", null)
    .where((eb) => eb.or([eb("disabled_at", "is", null), eb("disabled_at", ">", BigInt(now - DISABLED_RECONCILED_FOR_MS))]))
    .orderBy("id")
    .execute();
  const report: CredentialReconciliation[] = [];
  for (const credential of credentials) {
    report.push(await reconcileCredential(deps, { id: credential.id, integration: credential.integration, baseline: credential.baseline_usage ?? 0n }, options));
  }
  return report;
}

async function reconcileCredential(
  deps: ReconciliationDeps,
  credential: { id: string; integration: string; baseline: Nanos },
  options: ReconcileOptions,
): Promise<CredentialReconciliation> {
  const now = options.now ?? Date.now();
  let result: CredentialReconciliation | null = null;
  for (let attempt = 1; attempt <= ATTEMPTS && !result; attempt++) {
    const before = await bookedFor(deps.store, credential.id);
    let usage: Nanos;
    try {
      const lifetime = await deps.readUsage(credential);
      if (lifetime === null) {
        result = { credentialId: credential.id, integration: credential.integration, outcome: "no_upstream_record", upstreamUsage: null, booked: before, drift: 0n, bookedUnexplained: 0n, inFlight: 0, inFlightBound: 0n };
        break;
      }
      usage = lifetime - credential.baseline;
    } catch (error) {
      deps.logger.warn({ credential: credential.id, err: error }, "upstream usage unavailable; credential not reconciled");
      result = { credentialId: credential.id, integration: credential.integration, outcome: "unreachable", upstreamUsage: null, booked: before, drift: 0n, bookedUnexplained: 0n, inFlight: 0, inFlightBound: 0n };
      break;
    }
    // Read after the upstream: a settlement that landed meanwhile changes the books (read again),
    // a call still running is in the upstream's figure but not yet in ours.
    const after = await bookedFor(deps.store, credential.id);
    if (after !== before) continue;
    const { count: inFlight, bound: inFlightBound } = await callsInFlight(deps.store, credential.id);
    const drift = usage - before;
    // Running calls can explain at most what they hold: only drift beyond that is unexplained now.
    const outcome: ReconcileOutcome = drift === 0n ? "agreed" : drift < 0n ? (inFlight > 0 ? "in_flight" : "negative") : drift > inFlightBound ? (options.dryRun ? "drift" : "booked") : "in_flight";
    result = { credentialId: credential.id, integration: credential.integration, outcome, upstreamUsage: usage, booked: before, drift, bookedUnexplained: 0n, inFlight, inFlightBound };
  }
  result ??= { credentialId: credential.id, integration: credential.integration, outcome: "in_flight", upstreamUsage: null, booked: 0n, drift: 0n, bookedUnexplained: 0n, inFlight: 0, inFlightBound: 0n };
  if (options.dryRun) return result;
  if (result.outcome === "booked") {
    const amount = result.drift - result.inFlightBound;
    const booked = await bookUnexplained(deps.store, credential.id, amount, result.booked, now);
    if (booked) result.bookedUnexplained = amount;
    else result.outcome = "in_flight"; // the books moved under us: next run
  }
  if (result.outcome === "booked" || result.outcome === "negative") {
    deps.logger.warn({ credential: credential.id, drift: result.drift.toString(), outcome: result.outcome }, "upstream spend and the books disagreed");
  }
  await deps.store.db
    .insertInto("reconciliations")
    .values({
      credential_id: credential.id,
      integration: credential.integration,
      at: BigInt(now),
      upstream_usage: result.upstreamUsage ?? 0n,
      booked: result.booked,
      drift: result.drift,
      booked_unexplained: result.bookedUnexplained,
      outcome: result.outcome,
    })
    .execute();
  return result;
}

/** What the books owe the upstream for a credential: the credits of its payable account. */
export async function bookedFor(store: Store, credentialId: string): Promise<Nanos> {
  const row = await store.db.selectFrom("accounts").select("credits").where("id", "=", payableAccount(credentialId)).executeTakeFirst();
  return row?.credits ?? 0n;
}

/** Pending holds that ran (or may have run) on the credential — noted with it, or not yet noted —
 *  and the sum of their amounts, which bounds what they can cost upstream (a hold ≥ its cost). */
async function callsInFlight(store: Store, credentialId: string): Promise<{ count: number; bound: Nanos }> {
  const row = await store.db
    .selectFrom("holds")
    .select([sql<string>`count(*)`.as("n"), sql<string>`coalesce(sum(amount), 0)`.as("s")])
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("credential_id", "=", credentialId), eb("credential_id", "is", null)]))
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), bound: BigInt(String(row.s)) };
}

/**
 * Books drift as unexplained spend: unexplained:<credential> → payable:<credential>, in one
 * transaction that first checks the payable account still says `expectedBooked`. False when it
 * moved (a settlement landed): nothing is booked.
 */
async function bookUnexplained(store: Store, credentialId: string, drift: Nanos, expectedBooked: Nanos, now: number): Promise<boolean> {
  const payable = payableAccount(credentialId);
  const unexplained = unexplainedAccount(credentialId);
  return store.db.transaction().execute(async (tx) => {
    const current = await tx.selectFrom("accounts").select("credits").where("id", "=", payable).$call((q) => (store.dialect === "postgres" ? q.forUpdate() : q)).executeTakeFirst();
    if ((current?.credits ?? 0n) !== expectedBooked) return false;
    await tx
      .insertInto("ledger_entries")
      .values({
        kind: "unexplained",
        debit_account: unexplained,
        credit_account: payable,
        amount: drift,
        tenant_id: null,
        request_id: null,
        idempotency_key: null,
        memo: "upstream spend no call explains (reconciliation)",
        created_at: BigInt(now),
      })
      .execute();
    await bumpAccount(tx, unexplained, { debits: drift, credits: 0n }, BigInt(now));
    await bumpAccount(tx, payable, { debits: 0n, credits: drift }, BigInt(now));
    return true;
  });
}

/**
 * A credential joins the pool once the upstream's usage figure for it is known: spend before Vendo
 * used it is not Vendo's. Sets the baseline of credentials that have none (first writer wins
 * across instances); returns the ids it could not baseline (upstream unreachable).
 */
export async function establishBaselines(deps: ReconciliationDeps, credentialIds: string[]): Promise<string[]> {
  if (credentialIds.length === 0) return [];
  const pending = await deps.store.db
    .selectFrom("pool_credentials")
    .select(["id", "integration"])
    .where("baseline_usage", "is", null)
    .where("id", "in", credentialIds)
    .execute();
  const failed: string[] = [];
  for (const credential of pending) {
    try {
      const usage = await deps.readUsage(credential);
      // Books for a credential with no baseline come only from data older than baselines: keep them.
      // An upstream with no usage record has nothing to baseline against: the credential joins at 0.
      const booked = await bookedFor(deps.store, credential.id);
      await deps.store.db
        .updateTable("pool_credentials")
        .set({ baseline_usage: usage === null ? 0n : usage - booked })
        .where("id", "=", credential.id)
        .where("baseline_usage", "is", null)
        .execute();
      deps.logger.info({ credential: credential.id }, "pool credential baselined against the upstream's usage");
    } catch (error) {
      failed.push(credential.id);
      deps.logger.warn({ credential: credential.id, err: error }, "pool credential not usable yet: the upstream's usage for it is unknown");
    }
  }
  return failed;
}

export interface DayDrift {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  credentialId: string;
  runs: number;
  /** Unexplained spend booked that day (nano-USD). */
  bookedUnexplained: Nanos;
  /** The day's last run: its drift and outcome. */
  lastDrift: Nanos;
  lastOutcome: string;
}

/** Reconciliation runs since `since` (epoch ms), summed per credential and UTC day. */
export async function driftByDay(store: Store, since: number): Promise<DayDrift[]> {
  const runs = await store.db.selectFrom("reconciliations").selectAll().where("at", ">=", BigInt(since)).orderBy("credential_id").orderBy("at").execute();
  const days = new Map<string, DayDrift>();
  for (const run of runs) {
    const day = new Date(Number(run.at)).toISOString().slice(0, 10);
    const key = `${day} ${run.credential_id}`;
    const entry = days.get(key) ?? { day, credentialId: run.credential_id, runs: 0, bookedUnexplained: 0n, lastDrift: 0n, lastOutcome: "" };
    entry.runs++;
    entry.bookedUnexplained += run.booked_unexplained;
    entry.lastDrift = run.drift;
    entry.lastOutcome = run.outcome;
    days.set(key, entry);
  }
  return [...days.values()].sort((a, b) => (a.day === b.day ? a.credentialId.localeCompare(b.credentialId) : a.day.localeCompare(b.day)));
}

/**
 * Starts a credential's reconciliation over from `upstreamUsage` (nano-USD, the upstream's figure
 * now): its baseline is set so that books and upstream agree, and the run is recorded
 * (`rebaselined`). For an upstream that lost its own record on purpose — `vendo dev`'s sandbox keeps
 * none across restarts — never to hide a real drift.
 */
export async function rebaseline(store: Store, credential: { id: string; integration: string }, upstreamUsage: Nanos, now = Date.now()): Promise<void> {
  const booked = await bookedFor(store, credential.id);
  await store.db.updateTable("pool_credentials").set({ baseline_usage: upstreamUsage - booked }).where("id", "=", credential.id).execute();
  await store.db
    .insertInto("reconciliations")
    .values({ credential_id: credential.id, integration: credential.integration, at: BigInt(now), upstream_usage: upstreamUsage, booked, drift: 0n, booked_unexplained: 0n, outcome: "rebaselined" })
    .execute();
}
