// A key's money counters (key_counters), which the ledger keeps apart from the key's config row.
import type { Kysely, Transaction } from "kysely";
import type { Database, KeyCountersTable } from "../store/schema.js";

/** The counters a new key starts with. */
export function zeroKeyCounters(keyId: string): KeyCountersTable {
  return {
    key_id: keyId,
    usage: 0n,
    held: 0n,
    period_usage: 0n,
    period_start: 0n,
    day_usage: 0n,
    day_start: 0n,
    week_usage: 0n,
    week_start: 0n,
    month_usage: 0n,
    month_start: 0n,
  };
}

/** Counters of the given keys, by key id (a key without a row is absent). */
export async function loadKeyCounters(db: Kysely<Database> | Transaction<Database>, keyIds: string[]): Promise<Map<string, KeyCountersTable>> {
  if (keyIds.length === 0) return new Map();
  const rows = await db.selectFrom("key_counters").selectAll().where("key_id", "in", keyIds).execute();
  return new Map(rows.map((r) => [r.key_id, r]));
}
