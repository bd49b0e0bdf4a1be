import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.js";

// No write-only index on the hot path (issue 11): the unique index on a call's legs cost 6–20 µs
// of the ~50 µs the ledger spends per call on SQLite, and no query reads it. A call is still
// charged once: its hold's resolution (pending → posted, under the batch's lock) is the guard,
// and `vendo audit` checks that no hold was posted twice (docs/money.md, invariant 2).
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.dropIndex("ledger_entries_call_leg").execute();
}
