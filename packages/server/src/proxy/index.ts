// The proxy (data plane). Routes a request to its integration, then runs the metered call's
// lifecycle or answers an account endpoint. Kept apart from the control API on purpose.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Integration } from "@vendo/integrations";
import { adapterFor, RequestRefused, type AccountEndpoint, type Adapter } from "@vendo/integrations/adapters";
import type { ServerContext } from "../context.js";
import { backfillCallRecords, createCallRecorder } from "../ledger/callRecords.js";
import { createLedger, type Ledger } from "../ledger/ledger.js";
import { createReaper, type ReapReport } from "../ledger/reaper.js";
import { establishBaselines, reconcileWithUpstream, type CredentialReconciliation } from "../ledger/reconciliation.js";
import { newTimeOrderedId } from "../security/apiKeys.js";
import { accountFacts } from "./accountEndpoints.js";
import { startConfigSync } from "./configSync.js";
import { createCors } from "./cors.js";
import { createCredentialPool, type CredentialHealth } from "./credentialPool.js";
import { ProxyError, sendError, sendJson } from "./errors.js";
import { createKeyCache, type KeyRecord } from "./keyCache.js";
import { meteredCall, type MeteredCallDeps } from "./meteredCall.js";
import { proxyMetrics } from "./metrics.js";
import { createPriceBook } from "./priceBook.js";
import { passThrough } from "./passThrough.js";
import { createRateLimits } from "./rateLimits.js";
import { createRouter, type ProxyRoute } from "./router.js";
import { upstreamExtensions } from "./sandboxUpstream.js";
import { createUpstream } from "./upstream.js";
import { createUpstreamRecords } from "./upstreamRecords.js";

export type { ProxyRoute } from "./router.js";

export interface Proxy {
  route(req: IncomingMessage): ProxyRoute | null;
  handle(req: IncomingMessage, res: ServerResponse, route: ProxyRoute): void;
  ledger: Ledger;
  /** Resolves once no call is in flight and every settlement and call record is committed. */
  settled(): Promise<void>;
  /** Ends orphaned holds now (also runs on start and periodically). */
  reap(): Promise<ReapReport>;
  /** Reconciles every pool credential with the upstream's record now (also runs periodically). */
  reconcileUpstream(options?: { dryRun?: boolean }): Promise<CredentialReconciliation[]>;
  /** Resolves when the start-up work (reaping, rebuilding lost call records) is done. */
  started: Promise<void>;
  /** Applies every configuration change committed so far (keys, tenants, connections, pool, markups). */
  catchUp(): Promise<void>;
  /** The pool credentials' health as this instance sees it (read-only, for the dashboard). */
  poolHealth(): CredentialHealth[];
  /** Waits for calls in flight until `deadline` (epoch ms), then closes the ledger and upstream pool. */
  close(deadline?: number): Promise<void>;
}

const BASELINE_RETRY_MS = 5_000;
const RECONCILE_UPSTREAM_MS = 5 * 60_000;

export async function createProxy(ctx: ServerContext): Promise<Proxy> {
  const { store, logger } = ctx;
  const keys = createKeyCache(store, ctx.secrets, ctx.config.cacheMaxStaleMs);
  const pool = createCredentialPool(store, ctx.secrets, (id, err) => logger.warn({ credential: id, err: err.message }, "pool credential unreadable; left out"));
  const upstream = createUpstream(pool, {
    connectionsPerOrigin: ctx.config.upstreamConnections,
    headersTimeoutMs: ctx.config.upstreamTimeoutMs,
    bodyTimeoutMs: ctx.config.upstreamTimeoutMs,
  });
  const extensions = await upstreamExtensions(ctx.catalog, ctx.config);
  const priceBook = extensions.priceBook(createPriceBook(upstream, ctx.upstreamUrl));
  const ledger = createLedger(store, { instanceId: ctx.instanceId, instanceStaleMs: ctx.config.instanceStaleMs, logger });
  const calls = createCallRecorder(store, logger);
  const records = createUpstreamRecords({ upstream, pool, catalog: ctx.catalog, upstreamUrl: ctx.upstreamUrl });
  const reconciliationDeps = { store, logger, readUsage: records.readUsage };
  const rateLimits = createRateLimits({ redis: ctx.redis, failure: ctx.config.redisFailure, logger });
  const cors = createCors(store);
  const inFlight = new Set<string>();

  // A new pool credential joins once the upstream's usage for it is known (reconciliation.ts);
  // one that cannot be baselined yet is tried again every few seconds, not at every reload.
  const baselineTriedAt = new Map<string, number>();
  async function reloadPool(): Promise<void> {
    const now = Date.now();
    const due = (await pool.reload()).filter((id) => now - (baselineTriedAt.get(id) ?? 0) > BASELINE_RETRY_MS);
    if (due.length === 0) return;
    for (const id of due) baselineTriedAt.set(id, now);
    const failed = await establishBaselines(reconciliationDeps, due);
    if (failed.length < due.length) await pool.reload();
  }
  // Keys, pool and markups follow the store through the change feed.
  const configSync = await startConfigSync({
    store,
    keys,
    reloadPool,
    logger,
    pollMs: ctx.config.changePollMs,
    maxStaleMs: ctx.config.cacheMaxStaleMs,
    databaseUrl: ctx.config.databaseUrl,
    pgSchema: ctx.config.pgSchema,
  });
  const markupBps = configSync.markupBps;
  const accountDeps = { store, ledger, calls, priceBook, markupBps };

  const reaper = createReaper({
    store,
    ledger,
    calls,
    logger,
    instanceId: ctx.instanceId,
    inFlight,
    // One process owns an SQLite file (store/ownership.ts): every other instance there is gone.
    staleAfterMs: store.dialect === "sqlite" ? 0 : ctx.config.instanceStaleMs,
    recordGraceMs: ctx.config.orphanRecordGraceMs,
    markupBps,
    lookupGeneration: records.lookupGeneration,
    keepsGenerationRecords: records.keepsGenerationRecords,
  });

  // Beat well inside the stale window, so a live instance never looks silent to a peer's reaper.
  const heartbeatMs = Math.min(2_000, Math.floor(ctx.config.instanceStaleMs / 4));
  await reaper.heartbeat();
  const timers = [
    setInterval(() => reaper.heartbeat().catch((err: unknown) => logger.warn({ err }, "heartbeat failed")), heartbeatMs),
    setInterval(() => {
      reaper.reap().catch((err: unknown) => logger.warn({ err }, "reaping orphaned holds failed"));
      if (store.dialect === "postgres") void rebuildLostRecords();
    }, ctx.config.reapIntervalMs),
    setInterval(() => reconcileWithUpstream(reconciliationDeps).catch((err: unknown) => logger.warn({ err }, "reconciliation failed")), RECONCILE_UPSTREAM_MS),
  ];
  for (const t of timers) t.unref();
  /** Rebuilds call records a crash lost from the holds. On SQLite this process is the only writer,
   *  so at start every record is final; on PostgreSQL a live peer's outbox may still be writing its
   *  own (those count a minute after their end; a silent instance's at once), and it runs again with
   *  every reaping pass. */
  async function rebuildLostRecords(): Promise<void> {
    const settleMs = store.dialect === "sqlite" ? 0 : 60_000;
    const staleAfterMs = store.dialect === "sqlite" ? 0 : ctx.config.instanceStaleMs;
    const rebuilt = await backfillCallRecords(store, { now: Date.now(), windowMs: ctx.config.holdTimeoutMs + 60_000, settleMs, staleAfterMs }).catch((err: unknown) => {
      logger.error({ err }, "rebuilding lost call records failed");
      return 0;
    });
    if (rebuilt > 0) logger.warn({ rebuilt }, "call records lost in a crash rebuilt from the holds");
  }
  // Start-up work runs in the background: the instance serves at once (a long reap may ask the
  // upstream about many generations; lost call records are rebuilt from the holds).
  const started = (async () => {
    await reaper.reap().catch((err: unknown) => logger.error({ err }, "start-up reaping failed"));
    // The reaper's records ("reconciled", "expired_…") are written before the rebuild looks for
    // missing ones, or it would write "backfilled" ones first and the reaper's would be skipped.
    await calls.flush();
    await rebuildLostRecords();
    await calls.flush();
  })();

  const route = createRouter(extensions.catalog, [ctx.config.proxyDomain, ctx.config.devProxyDomain]);
  const callDeps: MeteredCallDeps = {
    ledger,
    upstream,
    priceBook,
    markupBps,
    upstreamUrl: ctx.upstreamUrl,
    instanceLimits: ctx.config,
    inFlight,
    calls,
    lookupGeneration: records.lookupGeneration,
    onSettled: (call) => proxyMetrics.chargedNanos.inc({ integration: call.integration }, Number(call.charge)),
  };

  /** A key with a tpm limit: its settled calls' tokens are taken from its bucket. */
  const countingTokens = (key: KeyRecord): MeteredCallDeps => ({
    ...callDeps,
    onSettled(call) {
      callDeps.onSettled?.(call);
      rateLimits.record(key, Number(call.prompt_tokens + call.completion_tokens), Date.now());
    },
  });

  const answerAccount = async (endpoint: AccountEndpoint, integration: Integration, key: KeyRecord | null, query: string): Promise<unknown> => {
    try {
      return await endpoint.answer(accountFacts(accountDeps, integration, key), query);
    } catch (error) {
      if (error instanceof RequestRefused) throw new ProxyError(error.code, error.message);
      throw error;
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse, integration: Integration, adapter: Adapter, target: ProxyRoute, requestId: string): Promise<void> {
    const { path, query } = target;
    const method = req.method ?? "GET";
    if (method === "OPTIONS") {
      const routeExists = (m: string) => adapter.accountEndpoint?.(m, path, integration) != null || integration.proxy.paths.some((p) => p.path === path && p.method === m);
      return cors.preflight(req, res, integration, routeExists, requestId);
    }
    const endpoint = adapter.accountEndpoint?.(method, path, integration) ?? null;
    const forwardable = integration.proxy.paths.find((p) => p.path === path && p.method === method);
    if (!endpoint && !forwardable) throw new ProxyError("NOT_FOUND", `No route ${method} ${path}.`);
    if (endpoint?.public) {
      await cors.allowPublic(req, res, integration);
      return sendJson(res, 200, await answerAccount(endpoint, integration, null, query), requestId);
    }

    const now = Date.now();
    const key = await keys.authenticate(req, integration, now);
    cors.allowKey(req, res, key);
    if (key.rpm !== null || key.tpm !== null) await rateLimits.admit(key, now);
    if (endpoint) return sendJson(res, 200, await answerAccount(endpoint, integration, key, query), requestId);
    if (!forwardable?.metered) return passThrough(callDeps, req, res, { integration, path, query, key, requestId });
    await meteredCall(key.tpm === null ? callDeps : countingTokens(key), req, res, { integration, adapter, path, query, key, requestId, startedAt: now });
  }

  return {
    route,
    ledger,
    async settled() {
      while (inFlight.size > 0) await new Promise((r) => setTimeout(r, 5));
      await ledger.flush();
      await calls.flush();
    },
    reap: () => reaper.reap(),
    reconcileUpstream: (options) => reconcileWithUpstream(reconciliationDeps, options),
    started,
    catchUp: () => configSync.catchUp(),
    poolHealth: () => pool.health(Date.now()),
    handle(req, res, target) {
      const requestId = newTimeOrderedId("req");
      const { integration } = target;
      const slug = integration?.slug ?? "unknown";
      const adapter = integration ? adapterFor(integration) : null;
      // Errors in the integration's own shape, so its clients read them as their provider's.
      const render = adapter ? adapter.errorBody : undefined;
      (integration && adapter ? handle(req, res, integration, adapter, target, requestId) : Promise.reject(new ProxyError("NOT_FOUND", "Unknown integration.")))
        .catch((error: unknown) => {
          if (error instanceof ProxyError) return sendError(res, error, requestId, render);
          logger.error({ requestId, err: (error as Error).message }, "proxy request failed");
          sendError(res, new ProxyError("UPSTREAM_UNAVAILABLE", "Internal error; nothing was charged."), requestId, render);
        })
        .finally(() => {
          proxyMetrics.requests.inc({ integration: slug, status: String(res.statusCode) });
          if (res.statusCode >= 400) logger.info({ requestId, integration: slug, status: res.statusCode }, "proxy request refused");
        });
    },
    async close(deadline = Date.now() + ctx.config.shutdownGraceMs) {
      for (const t of timers) clearInterval(t);
      await configSync.close();
      // Calls still running (one whose client left is drained for its usage) settle before the
      // ledger closes; any still open after the grace period is reaped at the next start.
      while (inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await started;
      await ledger.close();
      await calls.close();
      await upstream.destroy();
    },
  };
}
