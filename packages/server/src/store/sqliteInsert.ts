// A prepared insert of one row on better-sqlite3, with the values bound by position (binding by
// name costs about twice as much) in the order the columns are listed.
import type SqliteDatabase from "better-sqlite3";

export function prepareInsert<Row>(
  database: SqliteDatabase.Database,
  table: string,
  columns: ReadonlyArray<keyof Row & string>,
  onConflict = "",
): (row: Row) => number {
  const statement = database.prepare(`insert into ${table} (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")}) ${onConflict}`);
  // How many rows it inserted: 0 when an `on conflict … do nothing` skipped it.
  return (row) => statement.run(columns.map((c) => row[c])).changes;
}

/** Fails to compile (as `false`) when a table gains a column its insert does not list. */
export type ListsEveryColumn<Row, Columns extends readonly PropertyKey[]> = Exclude<keyof Row, Columns[number]> extends never ? true : false;
