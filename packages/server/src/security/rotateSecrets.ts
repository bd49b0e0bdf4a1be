// `vendo secrets rotate`: re-seals every stored secret with the current key (VENDO_SECRET_KEY),
// opening it with whichever key sealed it (VENDO_SECRET_KEY_PREVIOUS). Row by row, each update
// conditional on the value it read, so it runs while instances serve and write: a value changed
// meanwhile is left as its writer sealed it (with the current key by then). Running it again
// changes nothing. Instances pick the re-sealed pool credentials up through the change feed.
import type { Kysely } from "kysely";
import type { Store } from "../store/db.js";
import type { SecretBox } from "./secretBox.js";

/** Every column that holds a sealed value, with its table's primary key. */
export const SEALED_COLUMNS = [
  { table: "pool_credentials", column: "secret_enc" },
  { table: "connections", column: "credential_enc" },
  { table: "connections", column: "api_key_enc" },
  { table: "deployments", column: "token_enc" },
] as const;

export interface RotationReport {
  /** Per "table.column": values re-sealed, already current, and unreadable (no key opens them). */
  columns: Array<{ column: string; resealed: number; current: number; unreadable: string[] }>;
  resealed: number;
  unreadable: number;
}

export async function rotateSecrets(store: Store, box: SecretBox): Promise<RotationReport> {
  const report: RotationReport = { columns: [], resealed: 0, unreadable: 0 };
  for (const { table, column } of SEALED_COLUMNS) {
    const entry = { column: `${table}.${column}`, resealed: 0, current: 0, unreadable: [] as string[] };
    // Kysely's types cannot follow a table chosen at run time; the names come from the list above.
    const db = store.db as unknown as Kysely<Record<string, { id: string } & Record<string, string | null>>>;
    const rows = await db.selectFrom(table).select(["id", column]).where(column, "is not", null).execute();
    for (const row of rows) {
      const sealed = row[column] as string;
      if (box.isCurrent(sealed)) {
        entry.current++;
        continue;
      }
      let plaintext: string;
      try {
        plaintext = box.open(sealed);
      } catch {
        entry.unreadable.push(row.id);
        continue;
      }
      const result = await db
        .updateTable(table)
        .set({ [column]: box.seal(plaintext) })
        .where("id", "=", row.id)
        .where(column, "=", sealed)
        .executeTakeFirst();
      if (result.numUpdatedRows > 0n) entry.resealed++;
    }
    report.columns.push(entry);
    report.resealed += entry.resealed;
    report.unreadable += entry.unreadable.length;
  }
  return report;
}
