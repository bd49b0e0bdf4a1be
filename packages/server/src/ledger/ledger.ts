// The hot path's ledger: admit (place a hold), settle (charge once), release, and the generation
// id of a running call, all committed through one group-commit batcher.
import type { Logger } from "pino";
import type { Store } from "../store/db.js";
import { createBatcher } from "./batcher.js";
import type { AdmitOp, AdmitResult, CallRecord, EndResult, LedgerOp, LedgerResult } from "./operations.js";
import { applyBatchPostgres } from "./postgresBatch.js";
import { createSqliteBatch } from "./sqliteBatch.js";

export type { AdmitResult, CallRecord, EndResult } from "./operations.js";

export interface Ledger {
  /** Resolves once the hold is committed (durable) or refused. */
  admit(op: Omit<AdmitOp, "type">): Promise<AdmitResult>;
  /** Charges the call and ends its hold; a second settle or release of the same request is a no-op. */
  settle(requestId: string, call: CallRecord): Promise<EndResult>;
  release(requestId: string, call: CallRecord | null): Promise<EndResult>;
  /** Remembers which generation a running call is, for reconciliation after a crash. Fire and forget. */
  noteGeneration(requestId: string, generationId: string, credentialId: string): void;
  /** Waits for every submitted operation to commit. */
  flush(): Promise<void>;
  /** Drops generation notes not yet written (their calls are over or being abandoned), then flushes. */
  close(): Promise<void>;
}

const RETRIES = 5;
const GENERATION_NOTE_DELAY_MS = 20;
// On PostgreSQL a settlement (or a generation note) waits up to this long to share the next
// admission's commit: its answer has gone out and nobody waits on it, while an admission that
// arrives during a commit (a round trip and an fsync) waits for it. On SQLite a commit is local and
// synchronous, so a settlement goes at once and the next admission's commit stays small.
// The cost: a crash within this window leaves the call's hold to the reconciler, as for a call
// still running.
const POSTGRES_LINGER_MS = 5;

/** Commits one batch in one transaction: its results, in the order of `ops`. */
function batchCommitter(store: Store, instanceId: string): (ops: LedgerOp[]) => Promise<LedgerResult[]> {
  if (store.sqlite) {
    const apply = createSqliteBatch(store.sqlite);
    // Holding Kysely's (only) connection keeps its queries and transactions out of ours.
    return (ops) => store.db.connection().execute(async () => apply(ops, { now: Date.now(), instanceId }));
  }
  return (ops) => store.db.transaction().execute((tx) => applyBatchPostgres(tx, ops, { now: Date.now(), instanceId }));
}

export function createLedger(store: Store, instanceId: string, logger: Logger): Ledger {
  const pendingNotes = new Set<NodeJS.Timeout>();
  const commit = batchCommitter(store, instanceId);
  const batcher = createBatcher<LedgerOp, LedgerResult>(async (ops) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await commit(ops);
      } catch (error) {
        // Serialization failures and deadlocks (40001/40P01) or a busy SQLite file are worth another go.
        const code = (error as { code?: string }).code;
        const transient = code === "40001" || code === "40P01" || code === "SQLITE_BUSY";
        if (!transient || attempt >= RETRIES) throw error;
        logger.warn({ code, attempt, ops: ops.length }, "ledger batch retried");
        await new Promise((r) => setTimeout(r, 5 * attempt));
      }
    }
  }, { lingerMs: store.dialect === "postgres" ? POSTGRES_LINGER_MS : 0, mayWait: (op) => op.type === "settle" || op.type === "generation" });

  async function end(op: LedgerOp): Promise<EndResult> {
    // Losing a settlement would lose money: keep trying, then leave the hold to the reconciler.
    for (let attempt = 1; ; attempt++) {
      try {
        return (await batcher.submit(op)) as EndResult;
      } catch (error) {
        if (attempt >= 3) {
          logger.error({ requestId: op.requestId, err: (error as Error).message }, "settlement not committed; left to the reconciler");
          throw error;
        }
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  return {
    admit: (op) => batcher.submit({ type: "admit", ...op }) as Promise<AdmitResult>,
    settle: (requestId, call) => end({ type: "settle", requestId, call }),
    release: (requestId, call) => end({ type: "release", requestId, call }),
    noteGeneration(requestId, generationId, credentialId) {
      // Only a call still running after a crash needs it, so it is written a moment later, off the
      // first byte's path; a call that ended by then is skipped by planBatch.
      const note = () =>
        batcher.submit({ type: "generation", requestId, generationId, credentialId }).catch((error: Error) => {
          logger.warn({ requestId, err: error.message }, "generation id not recorded");
        });
      const timer = setTimeout(() => {
        pendingNotes.delete(timer);
        void note();
      }, GENERATION_NOTE_DELAY_MS);
      pendingNotes.add(timer);
    },
    flush: () => batcher.drain(),
    close() {
      for (const timer of pendingNotes) clearTimeout(timer);
      pendingNotes.clear();
      return batcher.drain();
    },
  };
}
