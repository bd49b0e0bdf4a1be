// Control-plane money movements: opening an account, top-ups and adjustments. Rare and
// synchronous (one transaction each); the hot path's holds and charges go through the batcher.
import type { Kysely, Transaction } from "kysely";
import type { Database, LedgerEntriesTable } from "../store/schema.js";
import { isUniqueViolation } from "../store/uniqueViolation.js";
import { FUNDING_ACCOUNT, tenantAccount } from "./accountIds.js";
import type { Nanos } from "./money.js";
import { bumpAccount } from "./operatorAccounts.js";

export interface BalanceView {
  balance: Nanos;
  held: Nanos;
  available: Nanos;
}

export async function openAccount(db: Kysely<Database> | Transaction<Database>, tenantId: string, now = Date.now()): Promise<void> {
  await db.insertInto("balances").values({ tenant_id: tenantId, balance: 0n, held: 0n, credited: 0n, debited: 0n, updated_at: BigInt(now) }).execute();
}

export async function getBalance(db: Kysely<Database>, tenantId: string): Promise<BalanceView | null> {
  const row = await db.selectFrom("balances").select(["balance", "held"]).where("tenant_id", "=", tenantId).executeTakeFirst();
  return row ? { balance: row.balance, held: row.held, available: row.balance - row.held } : null;
}

export type LedgerEntry = Omit<LedgerEntriesTable, "id"> & { id: bigint };

export class IdempotencyConflictError extends Error {
  readonly code = "IDEMPOTENCY_CONFLICT";
  constructor(readonly existing: LedgerEntry) {
    super("This Idempotency-Key was already used for a different amount.");
  }
}

/**
 * Credits a tenant. The same idempotency key twice credits once and returns the first entry
 * (`created: false`); the same key with another amount is refused.
 */
export async function topUp(
  db: Kysely<Database>,
  input: { tenantId: string; amount: Nanos; idempotencyKey: string; memo?: string | null; now?: number },
): Promise<{ entry: LedgerEntry; created: boolean }> {
  if (input.amount <= 0n) throw new RangeError("a top-up amount must be positive");
  const now = BigInt(input.now ?? Date.now());
  const replay = (existing: LedgerEntry) => {
    if (existing.amount !== input.amount) throw new IdempotencyConflictError(existing);
    return { entry: existing, created: false };
  };
  try {
    return await db.transaction().execute(async (tx) => {
      const existing = await findByIdempotencyKey(tx, input.tenantId, input.idempotencyKey);
      if (existing) return replay(existing);
      const entry = await appendEntry(tx, {
        tenant_id: input.tenantId,
        kind: "topup",
        debit_account: FUNDING_ACCOUNT,
        credit_account: tenantAccount(input.tenantId),
        amount: input.amount,
        request_id: null,
        idempotency_key: input.idempotencyKey,
        memo: input.memo ?? null,
        created_at: now,
      });
      return { entry, created: true };
    });
  } catch (err) {
    // The same key in flight twice (PostgreSQL): both saw no entry, the unique index let one
    // insert win. The loser answers as a replay of the winner's entry.
    if (!isUniqueViolation(err)) throw err;
    const winner = await findByIdempotencyKey(db, input.tenantId, input.idempotencyKey);
    if (!winner) throw err;
    return replay(winner);
  }
}

/** An operator's correction, positive (funding → tenant) or negative (tenant → funding). */
export async function adjust(
  db: Kysely<Database>,
  input: { tenantId: string; amount: Nanos; memo: string; idempotencyKey?: string | null; now?: number },
): Promise<LedgerEntry> {
  if (input.amount === 0n) throw new RangeError("an adjustment must not be zero");
  const now = BigInt(input.now ?? Date.now());
  const tenant = tenantAccount(input.tenantId);
  const credit = input.amount > 0n;
  return db.transaction().execute((tx) =>
    appendEntry(tx, {
      tenant_id: input.tenantId,
      kind: "adjustment",
      debit_account: credit ? FUNDING_ACCOUNT : tenant,
      credit_account: credit ? tenant : FUNDING_ACCOUNT,
      amount: credit ? input.amount : -input.amount,
      request_id: null,
      idempotency_key: input.idempotencyKey ?? null,
      memo: input.memo,
      created_at: now,
    }),
  );
}

async function findByIdempotencyKey(tx: Kysely<Database> | Transaction<Database>, tenantId: string, key: string): Promise<LedgerEntry | undefined> {
  return tx
    .selectFrom("ledger_entries")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
}

/**
 * The one way a transfer between a tenant and `funding` is written outside the batcher: insert it,
 * move the tenant's balance and lifetime sums, and the funding account's, in one transaction.
 */
async function appendEntry(tx: Transaction<Database>, entry: Omit<LedgerEntriesTable, "id"> & { tenant_id: string }): Promise<LedgerEntry> {
  const row = await tx.insertInto("ledger_entries").values(entry).returningAll().executeTakeFirstOrThrow();
  const toTenant = entry.credit_account === tenantAccount(entry.tenant_id);
  const moved = await tx
    .updateTable("balances")
    .set((eb) =>
      toTenant
        ? { balance: eb("balance", "+", entry.amount), credited: eb("credited", "+", entry.amount), updated_at: entry.created_at }
        : { balance: eb("balance", "-", entry.amount), debited: eb("debited", "+", entry.amount), updated_at: entry.created_at },
    )
    .where("tenant_id", "=", entry.tenant_id)
    .executeTakeFirst();
  if (moved.numUpdatedRows !== 1n) throw new Error(`tenant ${entry.tenant_id} has no account`);
  await bumpAccount(tx, FUNDING_ACCOUNT, toTenant ? { debits: entry.amount, credits: 0n } : { debits: 0n, credits: entry.amount }, entry.created_at);
  return row;
}

/** A transfer's amount as the tenant sees it: positive when it credits the tenant's account. */
export function signedForTenant(entry: Pick<LedgerEntriesTable, "credit_account" | "amount" | "tenant_id">): Nanos {
  return entry.tenant_id !== null && entry.credit_account === tenantAccount(entry.tenant_id) ? entry.amount : -entry.amount;
}
