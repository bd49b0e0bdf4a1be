// One server process owns an SQLite store (docs/money.md, invariant 2): a second one would reap the
// first one's live holds as orphans. The owner holds an exclusive SQLite lock on a small file beside
// the store for as long as it runs; the operating system drops the lock when the process ends, even
// by kill -9. CLI verbs that read the store (audit, ledger) do not claim it.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import SqliteDatabase from "better-sqlite3";

export class StoreOwnedError extends Error {
  readonly code = "STORE_OWNED";
}

export interface Ownership {
  release(): void;
}

/** Claims the SQLite store at `path` for this process, or throws StoreOwnedError. */
export function claimSqliteOwnership(path: string): Ownership {
  const lockPath = `${path}.owner`;
  const pidPath = `${path}.owner.pid`;
  const lock = new SqliteDatabase(lockPath);
  try {
    lock.pragma("busy_timeout = 0");
    lock.pragma("locking_mode = EXCLUSIVE");
    // In exclusive locking mode the first write takes the lock, and it is kept until close.
    lock.exec("begin exclusive; create table if not exists owner (pid integer); delete from owner; commit;");
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== "SQLITE_BUSY") throw error;
    const pid = existsSync(pidPath) ? readFileSync(pidPath, "utf8").trim() : "another process";
    throw new StoreOwnedError(`The store ${path} is already served by ${/^\d+$/.test(pid) ? `process ${pid}` : pid}: stop it first, or give this server its own --data-dir.`);
  }
  writeFileSync(pidPath, `${process.pid}\n`);
  return {
    release() {
      rmSync(pidPath, { force: true });
      lock.close();
    },
  };
}
