// SQLite's WAL is copied back into the database file by a checkpoint. Left to SQLite, that happens
// inside whichever commit crosses 1,000 pages — on the event loop, in the middle of a call's
// admission (most of the ledger's p99). Instead the serving connection never checkpoints, and a
// worker thread with a connection of its own checkpoints the WAL in the background (PASSIVE: it
// never blocks the writer), often enough that the WAL stays small and reads stay fast.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export interface Checkpointer {
  /** Stops the worker after a last checkpoint that empties the WAL. */
  stop(): Promise<void>;
}

// Plain JavaScript, so the worker needs no TypeScript loader (tests and `vendo dev` run from source).
const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 0");
const checkpoint = (mode) => {
  try {
    db.pragma("wal_checkpoint(" + mode + ")");
  } catch {
    // The writer holds a lock this instant: the next tick checkpoints.
  }
};
const timer = setInterval(() => checkpoint("PASSIVE"), workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint("TRUNCATE");
  db.close();
  parentPort.postMessage("stopped");
});
`;

/** Checkpoints the SQLite file at `path` from a worker thread every `intervalMs`. */
export function startCheckpointer(path: string, intervalMs: number): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER, { eval: true, workerData: { path, intervalMs, driver } });
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once("message", () => void worker.terminate().then(() => resolve()));
        worker.once("error", () => resolve());
        worker.postMessage("stop");
      }),
  };
}
