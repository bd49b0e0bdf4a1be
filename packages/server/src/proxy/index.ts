// The proxy (data plane). Routes a request to its integration, then runs the metered call's
// lifecycle or answers an account endpoint. Kept apart from the control API on purpose.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../context.js";
import { backfillCallRecords, createCallRecorder } from "../ledger/callRecords.js";
import { createLedger, type Ledger } from "../ledger/ledger.js";
import { createReaper, type ReapReport } from "../ledger/reaper.js";
import { establishBaselines, reconcileWithUpstream, type CredentialReconciliation } from "../ledger/reconciliation.js";
import { newTimeOrderedId } from "../security/apiKeys.js";
import { accountEndpointFor, createAccountEndpoints } from "./accountEndpoints.js";
import { createCors } from "./cors.js";
import { createCredentialPool, type CredentialHealth } from "./credentialPool.js";
import { ProxyError, sendError, sendJson } from "./errors.js";
import { createKeyCache } from "./keyCache.js";
import { meteredCall, type MeteredCallDeps } from "./meteredCall.js";
import { proxyMetrics } from "./metrics.js";
import { createPriceBook } from "./priceBook.js";
import { createRateLimiter } from "./rateLimiter.js";
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
  /** Picks up control-API changes (keys, pool, markup) now instead of at the next sync. */
  sync(): Promise<void>;
  /** The pool credentials' health as this instance sees it (read-only, for the dashboard). */
  poolHealth(): CredentialHealth[];
  close(): Promise<void>;
}

const SYNC_MS = 500;
const BASELINE_RETRY_MS = 5_000;
const HEARTBEAT_MS = 2_000;
const REAP_MS = 30_000;
const RECONCILE_UPSTREAM_MS = 5 * 60_000;
// How long an orphan with a known generation waits for the upstream's record of it.
const RECORD_GRACE_MS = 2 * 60_000;

export async function createProxy(ctx: ServerContext): Promise<Proxy> {
  const { store, logger } = ctx;
  const keys = createKeyCache(store, ctx.secrets);
  const pool = createCredentialPool(store, ctx.secrets);
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
  const rateLimiter = createRateLimiter();
  const cors = createCors(store);
  const inFlight = new Set<string>();
  let markups = new Map<string, bigint>();
  const markupBps = (slug: string) => markups.get(slug) ?? 0n;
  const accounts = createAccountEndpoints({ store, ledger, calls, priceBook, markupBps });

  // Changes made through the control API (keys, pool, markup) reach this instance within SYNC_MS.
  let syncedAt = Date.now();
  const baselineTriedAt = new Map<string, number>();
  async function sync(): Promise<void> {
    const since = syncedAt - 2 * SYNC_MS; // overlap: a write committed late with an older timestamp is still seen
    syncedAt = Date.now();
    const changed = await store.db.selectFrom("api_keys").select("key_hash").where("updated_at", ">=", BigInt(since)).execute();
    keys.invalidate(changed.map((k) => k.key_hash));
    // A new pool credential joins once the upstream's usage for it is known (reconciliation.ts);
    // one that cannot be baselined yet is tried again every few seconds, not every sync.
    const now = Date.now();
    const due = (await pool.reload()).filter((id) => now - (baselineTriedAt.get(id) ?? 0) > BASELINE_RETRY_MS);
    if (due.length > 0) {
      for (const id of due) baselineTriedAt.set(id, now);
      const failed = await establishBaselines(reconciliationDeps, due);
      if (failed.length < due.length) await pool.reload();
    }
    const rows = await store.db.selectFrom("integration_settings").select(["integration", "markup_bps"]).execute();
    markups = new Map(rows.map((r) => [r.integration, r.markup_bps]));
  }

  const reaper = createReaper({
    store,
    ledger,
    calls,
    logger,
    instanceId: ctx.instanceId,
    inFlight,
    // One process owns an SQLite file (store/ownership.ts): every other instance there is gone.
    staleAfterMs: store.dialect === "sqlite" ? 0 : ctx.config.instanceStaleMs,
    recordGraceMs: RECORD_GRACE_MS,
    markupBps,
    lookupGeneration: records.lookupGeneration,
  });

  await reaper.heartbeat();
  await sync();
  const timers = [
    setInterval(() => sync().catch((err: unknown) => logger.warn({ err }, "proxy config sync failed")), SYNC_MS),
    setInterval(() => reaper.heartbeat().catch((err: unknown) => logger.warn({ err }, "heartbeat failed")), HEARTBEAT_MS),
    setInterval(() => reaper.reap().catch((err: unknown) => logger.warn({ err }, "reaping orphaned holds failed")), REAP_MS),
    setInterval(() => reconcileWithUpstream(reconciliationDeps).catch((err: unknown) => logger.warn({ err }, "reconciliation failed")), RECONCILE_UPSTREAM_MS),
  ];
  for (const t of timers) t.unref();
  // Start-up work runs in the background: the instance serves at once (a long reap may ask the
  // upstream about many generations; lost call records are rebuilt from the holds).
  const started = (async () => {
    await reaper.reap().catch((err: unknown) => logger.error({ err }, "start-up reaping failed"));
    const now = Date.now();
    const rebuilt = await backfillCallRecords(store, { now, windowMs: ctx.config.holdTimeoutMs + 60_000, settleMs: 60_000 }).catch((err: unknown) => {
      logger.error({ err }, "rebuilding lost call records failed");
      return 0;
    });
    if (rebuilt > 0) logger.warn({ rebuilt }, "call records lost in a crash rebuilt from the holds");
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

  async function handle(req: IncomingMessage, res: ServerResponse, target: ProxyRoute, requestId: string): Promise<void> {
    const { integration, path } = target;
    if (!integration) throw new ProxyError("NOT_FOUND", "Unknown integration.");
    const method = req.method ?? "GET";
    if (method === "OPTIONS") {
      const routeExists = (m: string) => accountEndpointFor(integration, m, path) !== null || integration.proxy.paths.some((p) => p.path === path && p.method === m);
      return cors.preflight(req, res, integration, routeExists, requestId);
    }
    const endpoint = accountEndpointFor(integration, method, path);
    const forwardable = integration.proxy.paths.find((p) => p.path === path && p.method === method);
    if (!endpoint && !forwardable) throw new ProxyError("NOT_FOUND", `No route ${method} ${path}.`);
    if (endpoint === "models") {
      await cors.allowPublic(req, res, integration);
      return sendJson(res, 200, await accounts.models(integration), requestId);
    }

    const now = Date.now();
    const key = await keys.authenticate(req, integration.slug, now);
    cors.allowKey(req, res, key);
    if (key.rpm !== null) {
      const wait = rateLimiter.take(key.id, key.rpm, now);
      if (wait > 0) throw new ProxyError("RATE_LIMITED", undefined, { "retry-after": String(wait) });
    }
    if (endpoint === "key") return sendJson(res, 200, await accounts.key(key), requestId);
    if (endpoint === "credits") return sendJson(res, 200, await accounts.credits(key), requestId);
    if (endpoint === "generation") return sendJson(res, 200, await accounts.generation(key, target.query), requestId);

    await meteredCall(callDeps, req, res, { integration, path, key, requestId, startedAt: now });
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
    sync,
    poolHealth: () => pool.health(Date.now()),
    handle(req, res, target) {
      const requestId = newTimeOrderedId("req");
      const slug = target.integration?.slug ?? "unknown";
      handle(req, res, target, requestId)
        .catch((error: unknown) => {
          if (error instanceof ProxyError) return sendError(res, error, requestId);
          logger.error({ requestId, err: (error as Error).message }, "proxy request failed");
          sendError(res, new ProxyError("UPSTREAM_UNAVAILABLE", "Internal error; nothing was charged."), requestId);
        })
        .finally(() => {
          proxyMetrics.requests.inc({ integration: slug, status: String(res.statusCode) });
          if (res.statusCode >= 400) logger.info({ requestId, integration: slug, status: res.statusCode }, "proxy request refused");
        });
    },
    async close() {
      for (const t of timers) clearInterval(t);
      // Calls still running (one whose client left is drained for its usage) settle before the
      // ledger closes; any still open after the grace period is reconciled at the next start.
      const deadline = Date.now() + ctx.config.shutdownGraceMs;
      while (inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await started;
      await ledger.close();
      await calls.close();
      await upstream.destroy();
    },
  };
}
