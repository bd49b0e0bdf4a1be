// The hot path's ledger: admit (place a hold), post (settle once), void (release), expire (a
// reaper's end) and note (which upstream credential and generation a call is), all committed
// through one group-commit batcher. docs/money.md is the model; batchPlan.ts the decisions.
import type { Logger } from "pino";
import type { Store } from "../store/db.js";
import type { BatchOutcome, StoreBatchContext } from "./batchPlan.js";
import { createBatcher } from "./batcher.js";
import { ledgerMetrics } from "./metrics.js";
import type { AdmitOp, AdmitResult, EndResult, LedgerOp, LedgerResult, Posting } from "./operations.js";
import { applyBatchPostgres } from "./postgresBatch.js";
import { createSqliteBatch } from "./sqliteBatch.js";

export type { AdmitResult, EndResult, Posting } from "./operations.js";

export interface Ledger {
  /** Resolves once the hold is committed (durable) or refused. */
  admit(op: Omit<AdmitOp, "type">): Promise<AdmitResult>;
  /** Settles the call: posts its charge against its hold (late if the hold expired meanwhile). */
  post(requestId: string, posting: Posting, generationId?: string | null): Promise<EndResult>;
  /** Releases the hold: nothing is charged. */
  void(requestId: string): Promise<EndResult>;
  /** A reaper's end of a hold nobody will settle: its money is released. */
  expire(requestId: string): Promise<EndResult>;
  /** Records the upstream credential (and generation, once known) of a running call, durably and
   *  off the response's path: a reaper prices a dead call from the upstream's record of it. */
  note(requestId: string, generationId: string | null, credentialId: string): void;
  /** Waits for every submitted operation to commit. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface LedgerOptions {
  instanceId: string;
  /** An instance silent this long may be fenced by a reaper; admissions keep the heartbeat fresh. */
  instanceStaleMs: number;
  logger: Logger;
}

const RETRIES = 5;
// On PostgreSQL a settlement (or a note) waits up to this long to share the next admission's
// commit: its answer has gone out and nobody waits on it, while an admission that arrives during a
// commit (a round trip and an fsync) waits for it. On SQLite a commit is local and synchronous, so
// a settlement goes at once and the next admission's commit stays small.
// The cost: a crash within this window leaves the call's hold to the reaper, priced from the
// upstream's record when its generation is noted (docs/money.md, invariant 4).
const POSTGRES_LINGER_MS = 5;

type Commit = (ops: LedgerOp[], context: StoreBatchContext) => Promise<BatchOutcome>;

/** Commits one batch in one transaction: its results, in the order of `ops`. */
function batchCommitter(store: Store): Commit {
  if (store.sqlite) {
    const apply = createSqliteBatch(store.sqlite);
    // Holding Kysely's (only) connection keeps its queries and transactions out of ours.
    return (ops, context) => store.db.connection().execute(async () => apply(ops, context));
  }
  const pool = store.pg;
  if (!pool) throw new Error("a PostgreSQL store without its pool");
  return (ops, context) => applyBatchPostgres(pool, ops, context);
}

export function createLedger(store: Store, options: LedgerOptions): Ledger {
  const { logger, instanceId } = options;
  const commit = batchCommitter(store);
  let knownEpoch: bigint | null = null;

  const batcher = createBatcher<LedgerOp, LedgerResult>(
    async (ops) => {
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await commit(ops, { now: Date.now(), instanceId, refreshHeartbeatAfterMs: Math.floor(options.instanceStaleMs / 2) });
          if (outcome.epoch !== null) noticeEpoch(outcome.epoch);
          report(ops, outcome.results);
          return outcome.results;
        } catch (error) {
          // Serialization failures and deadlocks (40001/40P01) or a busy SQLite file are worth another go.
          const code = (error as { code?: string }).code;
          const transient = code === "40001" || code === "40P01" || code === "SQLITE_BUSY";
          if (!transient || attempt >= RETRIES) throw error;
          logger.warn({ code, attempt, ops: ops.length }, "ledger batch retried");
          await new Promise((r) => setTimeout(r, 5 * attempt));
        }
      }
    },
    { lingerMs: store.dialect === "postgres" ? POSTGRES_LINGER_MS : 0, mayWait: (op) => op.type !== "admit" },
  );

  function noticeEpoch(epoch: bigint): void {
    if (knownEpoch !== null && epoch !== knownEpoch) {
      ledgerMetrics.fenced.inc();
      logger.warn(
        { instanceId, from: knownEpoch.toString(), to: epoch.toString() },
        "this instance was fenced by a reaper while it was silent: its older holds expired, and their calls' charges post late",
      );
    }
    knownEpoch = epoch;
  }

  /** Late charges, overages and duplicate resolutions are facts to see, never silent. */
  function report(ops: LedgerOp[], results: LedgerResult[]): void {
    ops.forEach((op, i) => {
      const result = results[i] as EndResult | null;
      if (op.type !== "post" && op.type !== "void" && op.type !== "expire") return;
      if (!result) return;
      if (result.outcome === "duplicate" || result.outcome === "missing") {
        ledgerMetrics.duplicateResolutions.inc({ operation: op.type });
        logger.warn({ requestId: op.requestId, operation: op.type, outcome: result.outcome }, "resolution of a hold that was already resolved: nothing changed");
      }
      if (op.type !== "post") return;
      const integration = op.posting.integration;
      if (result.outcome === "posted_late") {
        ledgerMetrics.latePosts.inc({ integration });
        logger.warn({ requestId: op.requestId, charge: op.posting.charge.toString() }, "late charge posted: the hold had expired before the call settled");
      }
      if (result.overage > 0n) {
        ledgerMetrics.overages.inc({ integration });
        ledgerMetrics.overageNanos.inc({ integration }, Number(result.overage));
        logger.warn({ requestId: op.requestId, overage: result.overage.toString() }, "charge exceeded its hold; the overage is posted as its own entry");
      }
    });
  }

  async function end(op: LedgerOp & { requestId: string }): Promise<EndResult> {
    // Losing a settlement would lose money: keep trying, then leave the hold to the reaper.
    for (let attempt = 1; ; attempt++) {
      try {
        return (await batcher.submit(op)) as EndResult;
      } catch (error) {
        if (attempt >= 3) {
          logger.error({ requestId: op.requestId, err: error }, "hold resolution not committed; left to the reaper");
          throw error;
        }
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  return {
    admit: (op) => batcher.submit({ type: "admit", ...op }) as Promise<AdmitResult>,
    post: (requestId, posting, generationId = null) => end({ type: "post", requestId, posting, generationId }),
    void: (requestId) => end({ type: "void", requestId }),
    expire: (requestId) => end({ type: "expire", requestId }),
    note(requestId, generationId, credentialId) {
      batcher.submit({ type: "note", requestId, generationId, credentialId }).catch((error: unknown) => {
        logger.warn({ requestId, err: error }, "upstream correlation not recorded");
      });
    },
    flush: () => batcher.drain(),
    close: () => batcher.drain(),
  };
}
