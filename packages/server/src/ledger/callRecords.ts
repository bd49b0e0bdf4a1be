// Call records (the detail of each call: tokens, status, latency) are written after the money
// transaction, through an outbox flushed in larger batches: money rows stay few and small on the
// hot path (docs/money.md, "Call records"). Idempotent by request id. A crash can lose the outbox's
// last few records, never money: `backfillCallRecords` rebuilds them from the holds at start-up.
import type { Logger } from "pino";
import type { Store } from "../store/db.js";
import type { CallsTable } from "../store/schema.js";
import { prepareInsert, type ListsEveryColumn } from "../store/sqliteInsert.js";
import { prepareUsageUpsert, ROLLED_CALL_COLUMNS, upsertUsage } from "../store/usageDaily.js";

const CALL_COLUMNS = [
  "request_id",
  "tenant_id",
  "key_id",
  "deployment_id",
  "integration",
  "path",
  "model",
  "generation_id",
  "prompt_tokens",
  "completion_tokens",
  "upstream_cost",
  "charge",
  "estimated",
  "streamed",
  "status",
  "http_status",
  "latency_ms",
  "created_at",
] as const satisfies ReadonlyArray<keyof CallsTable>;
const listsEveryColumn: ListsEveryColumn<CallsTable, typeof CALL_COLUMNS> = true;
void listsEveryColumn;

const FLUSH_MS = 50;
const FLUSH_AT = 512;
const CHUNK = 200;

export interface CallRecorder {
  /** Queues a record; it reaches the store within FLUSH_MS. */
  record(call: CallsTable): void;
  /** A record still queued, by request id or generation id (so reads right after a call see it). */
  queued(id: string): CallsTable | undefined;
  /** Resolves once every record queued so far is written. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createCallRecorder(store: Store, logger: Logger): CallRecorder {
  let queue: CallsTable[] = [];
  // Queued and being-written records by request id and generation id, until they are in the store.
  const unwritten = new Map<string, CallsTable>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const write = writer(store);

  function schedule(): void {
    if (queue.length >= FLUSH_AT) void flushNow();
    else if (!timer) {
      timer = setTimeout(() => void flushNow(), FLUSH_MS);
      timer.unref();
    }
  }

  function flushNow(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (queue.length === 0) return writing;
    const batch = queue;
    queue = [];
    writing = writing.then(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await write(batch);
          break;
        } catch (error) {
          if (attempt >= 3) {
            // The money is posted; only the detail waits for the next start-up's backfill.
            logger.error({ err: error, records: batch.length }, "call records not written; they will be rebuilt from the holds at the next start");
            break;
          }
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
      for (const call of batch) {
        unwritten.delete(call.request_id);
        if (call.generation_id) unwritten.delete(call.generation_id);
      }
    });
    return writing;
  }

  return {
    record(call) {
      queue.push(call);
      unwritten.set(call.request_id, call);
      if (call.generation_id) unwritten.set(call.generation_id, call);
      schedule();
    },
    queued: (id) => unwritten.get(id),
    flush: () => flushNow(),
    close: () => flushNow(),
  };
}

/**
 * Inserts records, skipping any already there (a replay, or a backfill that came first), and adds
 * the ones it inserted to the daily usage rollups in the same transaction (store/usageDaily.ts).
 */
function writer(store: Store): (calls: CallsTable[]) => Promise<void> {
  if (store.sqlite) {
    const database = store.sqlite;
    const insert = prepareInsert<CallsTable>(database, "calls", CALL_COLUMNS, "on conflict (request_id) do nothing");
    const addUsage = prepareUsageUpsert(database);
    const run = database.transaction((calls: CallsTable[]) => {
      addUsage(calls.filter((call) => insert(call) === 1));
    });
    return (calls) => store.db.connection().execute(async () => run.immediate(calls));
  }
  return (calls) =>
    store.db.transaction().execute(async (tx) => {
      const inserted = [];
      for (let i = 0; i < calls.length; i += CHUNK) {
        const rows = await tx
          .insertInto("calls")
          .values(calls.slice(i, i + CHUNK))
          .onConflict((oc) => oc.column("request_id").doNothing())
          .returning(ROLLED_CALL_COLUMNS)
          .execute();
        inserted.push(...rows);
      }
      await upsertUsage(tx, inserted);
    });
}

/**
 * Rebuilds the call records a crash lost from the holds (which the money transaction wrote):
 * resolved holds of the last `windowMs` with no record get one with the money figures and
 * `status: "backfilled"` (token counts unknown: 0). A hold resolved by an instance still alive
 * counts only `settleMs` after its end (its own outbox may still be writing the record); one of an
 * instance silent past `staleAfterMs` counts at once. Returns how many it wrote.
 */
export async function backfillCallRecords(store: Store, options: { now: number; windowMs: number; settleMs: number; staleAfterMs: number }): Promise<number> {
  const { db } = store;
  const latest = await db.selectFrom("calls").select((eb) => eb.fn.max("created_at").as("t")).executeTakeFirst();
  const since = BigInt(Number(latest?.t ?? 0n) - options.windowMs);
  const holds = await db
    .selectFrom("holds as h")
    .leftJoin("calls as c", "c.request_id", "h.request_id")
    .select(["h.request_id", "h.tenant_id", "h.key_id", "h.integration", "h.model", "h.generation_id", "h.charge", "h.upstream_cost", "h.status", "h.created_at", "h.ended_at"])
    .where("c.request_id", "is", null)
    .where("h.status", "!=", "pending")
    .where("h.created_at", ">=", since)
    .where((eb) =>
      eb.or([
        eb("h.ended_at", "<", BigInt(options.now - options.settleMs)),
        eb.not(eb.exists(eb.selectFrom("instances as i").select("i.id").whereRef("i.id", "=", "h.instance_id").where("i.heartbeat_at", ">=", BigInt(options.now - options.staleAfterMs)))),
      ]),
    )
    .execute();
  const records: CallsTable[] = holds.map((h) => ({
    request_id: h.request_id,
    tenant_id: h.tenant_id,
    key_id: h.key_id,
    deployment_id: null,
    integration: h.integration,
    path: "",
    model: h.model,
    generation_id: h.generation_id,
    prompt_tokens: 0n,
    completion_tokens: 0n,
    upstream_cost: h.upstream_cost,
    charge: h.charge,
    estimated: 1n,
    streamed: 0n,
    status: "backfilled",
    http_status: 0n,
    latency_ms: (h.ended_at ?? h.created_at) - h.created_at,
    created_at: h.created_at,
  }));
  if (records.length > 0) await writer(store)(records);
  return records.length;
}
