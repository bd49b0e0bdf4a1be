// The hot path's ledger operations, as data: the batcher commits many of them in one transaction.
// In two-phase-transfer words (docs/money.md): admit places a pending transfer (the hold), post
// settles it with the actual amount, void releases it, expire ends it for a reaper; a note records
// which upstream credential and generation the call is, for reconciliation.
import type { ExactUsd, Nanos } from "./money.js";

export interface AdmitOp {
  type: "admit";
  requestId: string;
  tenantId: string;
  keyId: string;
  /** The worst case the upstream can bill, markup included (nano-USD, rounded up). */
  amount: Nanos;
  integration: string;
  model: string | null;
  expiresAt: number;
  /** When set and the worst case does not fit, admit a smaller completion bound instead (the
   *  key's fit_to_balance policy): the largest `tokens` whose hold fits, at least `minTokens`. */
  fit?: FitRequest;
}

/** The hold as a function of the completion bound t: toNanos(fixed + t × perToken, markup, up). */
export interface FitRequest {
  fixed: ExactUsd;
  perToken: ExactUsd;
  markupBps: bigint;
  minTokens: number;
  maxTokens: number;
}

/** What a call cost, as the settlement posts it. */
export interface Posting {
  /** What the tenant pays (nano-USD): the upstream cost with the markup, rounded once. */
  charge: Nanos;
  /** What the upstream bills for it (nano-USD); owed to `payable:<credentialId>`. */
  upstreamCost: Nanos;
  /** The pool credential that served the call; null when the upstream bills someone else (a
   *  tenant's own key): then nothing is payable and the whole charge is revenue (a per-call fee). */
  credentialId: string | null;
  integration: string;
}

export interface PostOp {
  type: "post";
  requestId: string;
  posting: Posting;
  /** The upstream's id of the call, kept on the resolved hold beside its charge. */
  generationId?: string | null;
}

export interface VoidOp {
  type: "void";
  requestId: string;
}

/** A reaper ends a hold its call can no longer settle: pending → expired (money released). */
export interface ExpireOp {
  type: "expire";
  requestId: string;
}

export interface NoteOp {
  type: "note";
  requestId: string;
  generationId: string | null;
  credentialId: string;
}

export type LedgerOp = AdmitOp | PostOp | VoidOp | ExpireOp | NoteOp;

export type AdmitRefusal = "insufficient_balance" | "key_limit" | "unknown_account";

export type AdmitResult =
  | { ok: true; amount: Nanos; /** set when fit_to_balance lowered the completion bound */ fittedTokens?: number }
  | { ok: false; reason: AdmitRefusal; needed: Nanos; available: Nanos };

/**
 * How an end (post, void, expire) went:
 * - posted / voided / expired: this operation resolved the pending hold;
 * - posted_late: the hold had expired (reaped); the charge posts anyway;
 * - duplicate: the hold was already resolved; nothing changed (an idempotent replay);
 * - missing: there is no such hold; nothing changed.
 */
export type EndOutcome = "posted" | "posted_late" | "voided" | "expired" | "duplicate" | "missing";

export interface EndResult {
  outcome: EndOutcome;
  /** The part of a posted charge beyond its hold (nano-USD), posted as its own entry. */
  overage: Nanos;
}

export type LedgerResult = AdmitResult | EndResult | null;
