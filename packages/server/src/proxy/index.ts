// The proxy (data plane). Routes a request to its integration, then runs the metered call's
// lifecycle or answers an account endpoint. Kept apart from the control API on purpose.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../context.js";
import { createLedger, type Ledger } from "../ledger/ledger.js";
import { usdNumberToExact } from "../ledger/money.js";
import { createReconciler, type GenerationFacts } from "../ledger/reconcile.js";
import { newTimeOrderedId } from "../security/apiKeys.js";
import { accountEndpointFor, createAccountEndpoints } from "./accountEndpoints.js";
import { startConfigSync } from "./configSync.js";
import { createCredentialPool } from "./credentialPool.js";
import { ProxyError, sendError, sendJson } from "./errors.js";
import { createKeyCache, type KeyRecord } from "./keyCache.js";
import { meteredCall, type MeteredCallDeps } from "./meteredCall.js";
import { tokenCount } from "./meter.js";
import { proxyMetrics } from "./metrics.js";
import { createPriceBook } from "./priceBook.js";
import { createRateLimits } from "./rateLimits.js";
import { createRouter, type ProxyRoute } from "./router.js";
import { createUpstream } from "./upstream.js";

export type { ProxyRoute } from "./router.js";

export interface Proxy {
  route(req: IncomingMessage): ProxyRoute | null;
  handle(req: IncomingMessage, res: ServerResponse, route: ProxyRoute): void;
  ledger: Ledger;
  /** Resolves once no call is in flight and every settlement is committed. */
  settled(): Promise<void>;
  /** Applies every configuration change committed so far (keys, tenants, connections, pool, markups). */
  catchUp(): Promise<void>;
  /** Ends orphaned holds now (also runs on start and periodically). */
  reconcile(): Promise<{ settled: number; released: number }>;
  /** Waits for calls in flight until `deadline` (epoch ms), then closes the ledger and upstream pool. */
  close(deadline?: number): Promise<void>;
}

const HEARTBEAT_MS = 2_000;
const RECONCILE_MS = 30_000;

export async function createProxy(ctx: ServerContext): Promise<Proxy> {
  const { store, logger } = ctx;
  const keys = createKeyCache(store, ctx.secrets, ctx.config.cacheMaxStaleMs);
  const pool = createCredentialPool(store, ctx.secrets, (id, err) => logger.warn({ credential: id, err: err.message }, "pool credential unreadable; left out"));
  const upstream = createUpstream(pool, { connectionsPerOrigin: ctx.config.upstreamConnections });
  const priceBook = createPriceBook(upstream, ctx.upstreamUrl);
  const ledger = createLedger(store, ctx.instanceId, logger);
  const rateLimits = createRateLimits({ redis: ctx.redis, failure: ctx.config.redisFailure, logger });
  const inFlight = new Set<string>();
  // Keys, pool and markups follow the store through the change feed.
  const configSync = await startConfigSync({
    store,
    keys,
    pool,
    logger,
    pollMs: ctx.config.changePollMs,
    maxStaleMs: ctx.config.cacheMaxStaleMs,
    databaseUrl: ctx.config.databaseUrl,
    pgSchema: ctx.config.pgSchema,
  });
  const markupBps = configSync.markupBps;
  const accounts = createAccountEndpoints({ store, ledger, priceBook, markupBps });

  /** Asks the upstream what a generation cost (its own record), with the credential that ran it. */
  async function lookupGeneration(hold: { integration: string; generationId: string; credentialId: string }): Promise<GenerationFacts | null> {
    const integration = ctx.catalog.get(hold.integration);
    const credential = hold.credentialId === "byok" ? null : pool.find(hold.integration, hold.credentialId);
    if (!integration || !credential) return null;
    const path = `${integration.proxy.basePath}/generation?id=${encodeURIComponent(hold.generationId)}`;
    const { status, json } = await upstream.getJson(integration, ctx.upstreamUrl(hold.integration), path, credential);
    const data = (json as { data?: Record<string, unknown> } | null)?.data;
    if (status !== 200 || !data || typeof data.total_cost !== "number") return null;
    const cost = usdNumberToExact(data.total_cost);
    if (cost === null) return null;
    return {
      cost,
      promptTokens: tokenCount(data.tokens_prompt),
      completionTokens: tokenCount(data.tokens_completion),
      cancelled: data.cancelled === true,
      streamed: data.streamed === true,
    };
  }

  const reconciler = createReconciler({
    store,
    ledger,
    logger,
    instanceId: ctx.instanceId,
    inFlight,
    // One process owns an SQLite file: any other instance's hold is an orphan once we start.
    staleAfterMs: store.dialect === "sqlite" ? 0 : ctx.config.instanceStaleMs,
    markupBps,
    lookupGeneration,
  });

  await reconciler.heartbeat();
  const timers = [
    setInterval(() => reconciler.heartbeat().catch((e: Error) => logger.warn({ err: e.message }, "heartbeat failed")), HEARTBEAT_MS),
    setInterval(() => reconciler.reconcile().catch((e: Error) => logger.warn({ err: e.message }, "reconcile failed")), RECONCILE_MS),
  ];
  for (const t of timers) t.unref();
  await reconciler.reconcile().catch((e: Error) => logger.error({ err: e.message }, "start-up reconcile failed"));

  const route = createRouter(ctx.catalog, ctx.config.proxyDomain);
  const callDeps: MeteredCallDeps = {
    ledger,
    upstream,
    priceBook,
    markupBps,
    upstreamUrl: ctx.upstreamUrl,
    instanceLimits: ctx.config,
    inFlight,
    lookupGeneration,
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

  async function handle(req: IncomingMessage, res: ServerResponse, target: ProxyRoute, requestId: string): Promise<void> {
    const { integration, path } = target;
    if (!integration) throw new ProxyError("NOT_FOUND", "Unknown integration.");
    const method = req.method ?? "GET";
    const endpoint = accountEndpointFor(integration, method, path);
    const forwardable = integration.proxy.paths.find((p) => p.path === path && p.method === method);
    if (!endpoint && !forwardable) throw new ProxyError("NOT_FOUND", `No route ${method} ${path}.`);
    if (endpoint === "models") return sendJson(res, 200, await accounts.models(integration), requestId);

    const now = Date.now();
    const key = await keys.authenticate(req, integration.slug, now);
    if (key.rpm !== null || key.tpm !== null) await rateLimits.admit(key, now);
    if (endpoint === "key") return sendJson(res, 200, await accounts.key(key), requestId);
    if (endpoint === "credits") return sendJson(res, 200, await accounts.credits(key), requestId);
    if (endpoint === "generation") return sendJson(res, 200, await accounts.generation(key, target.query), requestId);

    await meteredCall(key.tpm === null ? callDeps : countingTokens(key), req, res, { integration, path, key, requestId, startedAt: now });
  }

  return {
    route,
    ledger,
    async settled() {
      while (inFlight.size > 0) await new Promise((r) => setTimeout(r, 5));
      await ledger.flush();
    },
    catchUp: () => configSync.catchUp(),
    reconcile: () => reconciler.reconcile(),
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
    async close(deadline = Date.now() + ctx.config.shutdownGraceMs) {
      for (const t of timers) clearInterval(t);
      await configSync.close();
      // Calls still running (one whose client left is drained for its usage) settle before the
      // ledger closes; any still open after the grace period is reconciled at the next start.
      while (inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await ledger.close();
      await upstream.destroy();
    },
  };
}
