// What the proxy caches from the store (keys, the credential pool, markups) kept in step with it
// through the change feed: each change drops or reloads exactly what it touched, on every instance.
// The pool and markups are also reloaded whenever they are older than the maximum staleness, and
// key entries expire on their own (keyCache.ts), so a feed that stops cannot keep a value for long.
import type { Logger } from "pino";
import type { Store } from "../store/db.js";
import { openChangeFeed, type Change, type ChangeFeed } from "../store/changeFeed.js";
import type { KeyCache } from "./keyCache.js";

export interface ConfigSync {
  /** The integration's markup in basis points (0 when none is set). */
  markupBps(slug: string): bigint;
  /** Applies every change committed so far (the control API calls it before answering a write). */
  catchUp(): Promise<void>;
  feed: ChangeFeed;
  close(): Promise<void>;
}

export interface ConfigSyncOptions {
  store: Store;
  keys: KeyCache;
  /** Reloads the credential pool (and baselines new credentials: see proxy/index.ts). */
  reloadPool(): Promise<void>;
  logger: Logger;
  pollMs: number;
  maxStaleMs: number;
  databaseUrl: string | undefined;
  pgSchema: string | undefined;
}

export async function startConfigSync(options: ConfigSyncOptions): Promise<ConfigSync> {
  const { store, keys, reloadPool, logger } = options;
  let markups = new Map<string, bigint>();
  async function reloadMarkups(): Promise<void> {
    const rows = await store.db.selectFrom("integration_settings").select(["integration", "markup_bps"]).execute();
    markups = new Map(rows.map((r) => [r.integration, r.markup_bps]));
  }
  const reloadAll = () => Promise.all([reloadPool(), reloadMarkups()]);

  async function apply(changes: readonly Change[]): Promise<void> {
    let poolChanged = false;
    let markupChanged = false;
    for (const change of changes) {
      switch (change.entity) {
        case "key":
        case "connection":
          keys.invalidateKey(change.ref);
          break;
        case "tenant":
          keys.invalidateTenant(change.ref);
          break;
        case "pool":
          poolChanged = true;
          break;
        case "markup":
          markupChanged = true;
          break;
      }
    }
    if (poolChanged) await reloadPool();
    if (markupChanged) await reloadMarkups();
  }

  const feed = await openChangeFeed(store, {
    apply,
    pollMs: options.pollMs,
    logger,
    databaseUrl: options.databaseUrl,
    pgSchema: options.pgSchema,
  });
  await reloadAll();
  const refresh = setInterval(() => void reloadAll().catch((err: Error) => logger.warn({ err: err.message }, "pool/markup refresh failed")), options.maxStaleMs);
  refresh.unref();

  return {
    markupBps: (slug) => markups.get(slug) ?? 0n,
    catchUp: () => feed.catchUp(),
    feed,
    async close() {
      clearInterval(refresh);
      await feed.close();
    },
  };
}
