// The hot path's ledger operations, as data: the batcher commits many of them in one transaction.
import type { CallsTable } from "../store/schema.js";
import type { Nanos } from "./money.js";

export interface AdmitOp {
  type: "admit";
  requestId: string;
  tenantId: string;
  keyId: string;
  amount: Nanos;
  integration: string;
  model: string | null;
  expiresAt: number;
}

/** What the call record says about a finished call (charge and upstream cost included). */
export type CallRecord = Omit<CallsTable, "request_id" | "tenant_id" | "key_id">;

export interface SettleOp {
  type: "settle";
  requestId: string;
  call: CallRecord;
}

/** Ends a hold with no charge (the upstream failed before producing output, or an orphan). */
export interface ReleaseOp {
  type: "release";
  requestId: string;
  call: CallRecord | null;
}

export interface GenerationOp {
  type: "generation";
  requestId: string;
  generationId: string;
  credentialId: string;
}

export type LedgerOp = AdmitOp | SettleOp | ReleaseOp | GenerationOp;

export type AdmitResult = { ok: true } | { ok: false; reason: "insufficient_balance" | "key_limit" | "unknown_account" };
/** settled/released: this op ended the hold; noop: it had already ended (idempotent replay). */
export type EndResult = { ended: boolean; overdraft: Nanos };
export type LedgerResult = AdmitResult | EndResult | null;
