// Reads the change feed (migration 005): every change to a key, tenant, connection, pool credential
// or markup, in the order the database numbered them. A reader keeps a cursor (the last seq it
// applied) and never looks at a clock, so a writer whose clock is wrong cannot hide a change.
// On PostgreSQL a LISTEN connection wakes the reader as soon as a writer commits; polling every
// `pollMs` is the fallback (and the only way on SQLite, where this process is the only writer).
import { sql } from "kysely";
import pg from "pg";
import type { Logger } from "pino";
import type { Store } from "./db.js";
import type { ChangeEntity } from "./schema.js";

export interface Change {
  seq: bigint;
  entity: ChangeEntity;
  ref: string;
}

export interface ChangeFeedOptions {
  /** Called with each batch of new changes, in seq order, before the cursor moves past them. */
  apply(changes: readonly Change[]): Promise<void> | void;
  pollMs: number;
  logger: Logger;
  /** PostgreSQL only: the URL and schema to LISTEN with (the store's own). */
  databaseUrl?: string | undefined;
  pgSchema?: string | undefined;
}

export interface ChangeFeed {
  /**
   * Reads and applies every change committed before this call. A write followed by catchUp() on
   * the same instance is applied before catchUp resolves (the control API relies on it).
   */
  catchUp(): Promise<void>;
  /** The last seq applied. */
  cursor(): bigint;
  /** Whether the LISTEN connection is up (false on SQLite). */
  listening(): boolean;
  close(): Promise<void>;
}

const PAGE = 500;
/** Rows older than this (database clock) are pruned; caches never trust an entry this old anyway. */
export const CHANGE_RETENTION_MS = 60 * 60_000;
const PRUNE_EVERY_MS = 5 * 60_000;
const CHANNEL = "vendo_changes";

/** Starts following the feed from its current end (caches start empty, so nothing before matters). */
export async function openChangeFeed(store: Store, options: ChangeFeedOptions): Promise<ChangeFeed> {
  const { logger } = options;
  const last = await store.db.selectFrom("changes").select((eb) => eb.fn.max("seq").as("seq")).executeTakeFirst();
  let cursor = last?.seq === null || last?.seq === undefined ? 0n : BigInt(last.seq);
  let closed = false;

  async function readAll(): Promise<void> {
    for (;;) {
      const rows = await store.db.selectFrom("changes").select(["seq", "entity", "ref"]).where("seq", ">", cursor).orderBy("seq").limit(PAGE).execute();
      if (rows.length === 0) return;
      await options.apply(rows);
      cursor = BigInt((rows[rows.length - 1] as Change).seq);
      if (rows.length < PAGE) return;
    }
  }

  // One read at a time. A caller arriving while a read runs waits for the next one: the running
  // read may have started before the caller's own write committed.
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  function catchUp(): Promise<void> {
    if (!running) {
      running = readAll().finally(() => (running = null));
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return catchUp();
      });
    return queued;
  }

  let failing = false;
  const poll = () => {
    if (closed) return;
    catchUp().then(
      () => {
        if (failing) logger.info("change feed readable again");
        failing = false;
      },
      (err: Error) => {
        if (!failing) logger.warn({ err: err.message }, "change feed read failed; cached entries expire at their maximum staleness");
        failing = true;
      },
    );
  };
  const pollTimer = setInterval(poll, options.pollMs);
  pollTimer.unref();
  const pruneTimer = setInterval(() => void pruneChanges(store).catch((err: Error) => logger.warn({ err: err.message }, "change feed prune failed")), PRUNE_EVERY_MS);
  pruneTimer.unref();

  const listener = store.dialect === "postgres" && options.databaseUrl ? startListener(options.databaseUrl, options.pgSchema, poll, logger, () => closed) : null;

  return {
    catchUp,
    cursor: () => cursor,
    listening: () => listener?.up() ?? false,
    async close() {
      closed = true;
      clearInterval(pollTimer);
      clearInterval(pruneTimer);
      await listener?.close();
      await running?.catch(() => undefined);
    },
  };
}

/** Deletes changes older than CHANGE_RETENTION_MS by the database's clock (every instance runs it now and then). */
export async function pruneChanges(store: Store): Promise<void> {
  const now = store.dialect === "postgres" ? sql<bigint>`(extract(epoch from clock_timestamp()) * 1000)::bigint` : sql<bigint>`CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
  await store.db.deleteFrom("changes").where("created_at", "<", sql<bigint>`${now} - ${CHANGE_RETENTION_MS}`).execute();
}

/**
 * A dedicated connection that LISTENs for the triggers' NOTIFY and wakes the reader. It reconnects
 * on its own (backing off to 5 s); while it is down, polling carries the feed.
 */
function startListener(url: string, schema: string | undefined, wake: () => void, logger: Logger, isClosed: () => boolean) {
  let client: pg.Client | null = null;
  let up = false;
  let retryMs = 100;
  let timer: NodeJS.Timeout | null = null;

  async function connect(): Promise<void> {
    const c = new pg.Client({
      connectionString: url,
      // Named, so an operator (or a test) can tell it apart in pg_stat_activity.
      application_name: `vendo-change-feed${schema ? `:${schema}` : ""}`,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    client = c;
    c.on("error", (err) => drop(c, err));
    c.on("end", () => drop(c, null));
    try {
      await c.connect();
      const { rows } = await c.query<{ schema: string }>("select current_schema() as schema");
      const mine = rows[0]?.schema;
      c.on("notification", (n) => {
        if (n.channel === CHANNEL && n.payload === mine) wake();
      });
      await c.query(`LISTEN ${CHANNEL}`);
      up = true;
      retryMs = 100;
      wake(); // changes committed while we were not listening
    } catch (err) {
      drop(c, err as Error);
    }
  }

  function drop(c: pg.Client, err: Error | null): void {
    if (client !== c) return;
    client = null;
    if (up || err) logger.warn({ err: err?.message }, "change feed listener lost; polling until it reconnects");
    up = false;
    c.removeAllListeners("notification");
    c.end().catch(() => undefined);
    if (isClosed()) return;
    timer = setTimeout(() => void connect(), retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 5000);
  }

  void connect();
  return {
    up: () => up,
    async close() {
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      up = false;
      await c?.end().catch(() => undefined);
    },
  };
}
