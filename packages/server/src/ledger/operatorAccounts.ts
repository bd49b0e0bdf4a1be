// Operator accounts (funding, revenue, payable, unexplained) are running sums, moved by increments:
// an upsert adds to whatever is there, so concurrent writers never lose each other's amounts.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../store/schema.js";
import type { Nanos } from "./money.js";

/** Adds `debits` and `credits` (nano-USD) to an operator account, creating it at zero first. */
export async function bumpAccount(db: Kysely<Database> | Transaction<Database>, id: string, change: { debits: Nanos; credits: Nanos }, now: bigint): Promise<void> {
  await db
    .insertInto("accounts")
    .values({ id, debits: change.debits, credits: change.credits, updated_at: now })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet((eb) => ({
        debits: eb("accounts.debits", "+", eb.ref("excluded.debits")),
        credits: eb("accounts.credits", "+", eb.ref("excluded.credits")),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}
