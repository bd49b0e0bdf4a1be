// Composition root: one HTTP server, the proxy (hot path) first, everything else to the control API;
// optionally an admin listener for metrics and probes. Start-up fails with one line (ConfigError,
// StartupError) when the configuration, the store or Redis is not usable.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getIntegration, proxyHost } from "@vendo/integrations";
import type { Redis } from "ioredis";
import { startAdminListener, type AdminListener } from "./adminListener.js";
import { resolveConfig, type ServerOptions } from "./config.js";
import type { ServerContext } from "./context.js";
import { createControlApi } from "./control/index.js";
import { createLogger } from "./logger.js";
import { createProxy } from "./proxy/index.js";
import { connectRedis } from "./redis.js";
import { newId } from "./security/apiKeys.js";
import type { ReapReport } from "./ledger/reaper.js";
import type { CredentialReconciliation } from "./ledger/reconciliation.js";
import { createSecretBox } from "./security/secretBox.js";
import { openStore, type Store } from "./store/db.js";
import { startCheckpointer } from "./store/checkpointer.js";
import { claimSqliteOwnership, StoreOwnedError } from "./store/ownership.js";
import { StartupError } from "./startupError.js";
import { createUpstreamUrlResolver } from "./upstreamUrls.js";

// How often the background checkpointer copies the WAL into the SQLite file.
const CHECKPOINT_MS = 200;

export interface VendoServer {
  url: string;
  port: number;
  /** The admin listener's URL (VENDO_ADMIN_PORT), or null. */
  adminUrl: string | null;
  ctx: ServerContext;
  store: Store;
  /** Resolves when every settlement submitted so far is committed (settling trails the response). */
  settled(): Promise<void>;
  /** Applies every configuration change committed so far to this instance's caches (change feed). */
  catchUp(): Promise<void>;
  /** Ends orphaned holds now instead of at the next periodic pass. */
  reap(): Promise<ReapReport>;
  /** Reconciles the pool credentials with the upstream's record now. */
  reconcileUpstream(options?: { dryRun?: boolean }): Promise<CredentialReconciliation[]>;
  /** Resolves when start-up work in the background (reaping, rebuilding call records) is done. */
  started: Promise<void>;
  /** /readyz turns 503 at once; calls in flight get VENDO_SHUTDOWN_GRACE_MS in total, then are cut. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<VendoServer> {
  const config = resolveConfig(options);
  const logger = createLogger(config.logLevel, config.logStream);
  const redis: Redis | null = config.redisUrl ? await connectRedis(config.redisUrl, config.redisTimeoutMs) : null;
  // One process serves an SQLite store: claimed before anything (migrations included) touches it.
  let ownership: ReturnType<typeof claimSqliteOwnership> | null = null;
  let store: Store;
  try {
    ownership = config.databaseUrl || config.sqlitePath === ":memory:" ? null : claimSqliteOwnership(config.sqlitePath);
    store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, pgSchema: config.pgSchema, pgPoolSize: config.pgPoolSize });
  } catch (err) {
    ownership?.release();
    redis?.disconnect();
    if (err instanceof StoreOwnedError) throw new StartupError(err.message);
    throw StartupError.fromStore(err as Error, config.databaseUrl ? "DATABASE_URL" : "VENDO_SQLITE_PATH");
  }
  // The server's own connection never checkpoints the WAL on the serving path (store/checkpointer.ts).
  const checkpointer = store.sqlite && config.sqlitePath !== ":memory:" ? startCheckpointer(config.sqlitePath, CHECKPOINT_MS) : null;
  if (checkpointer) store.sqlite?.pragma("wal_autocheckpoint = 0");
  const releaseStore = async () => {
    await checkpointer?.stop();
    await store.close();
    ownership?.release();
    redis?.disconnect();
  };
  let listenUrl = "";
  const ctx: ServerContext = {
    config,
    store,
    secrets: createSecretBox(config.secretKey, config.secretKeyPrevious),
    catalog: config.catalog,
    logger,
    redis,
    lifecycle: { shuttingDown: false },
    instanceId: newId("ins"),
    apiUrl: () => (config.publicUrl ?? listenUrl).replace(/\/+$/, ""),
    proxyUrl: (slug) => {
      const integration = getIntegration(slug, config.catalog);
      return config.proxyDomain
        ? `https://${proxyHost(integration, config.proxyDomain)}`
        : `${ctx.apiUrl()}/proxy/${slug}`;
    },
    upstreamUrl: createUpstreamUrlResolver(config.upstreams, config.catalog),
  };

  const proxy = await createProxy(ctx).catch(async (error: unknown) => {
    await releaseStore();
    throw error;
  });
  // A write through the control API is applied to this instance's caches before it is answered.
  const control = await createControlApi(ctx, { afterWrite: () => proxy.catchUp(), poolHealth: () => proxy.poolHealth() });
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const route = proxy.route(req);
    if (route) proxy.handle(req, res, route);
    else control.handle(req, res);
  });
  server.headersTimeout = 66_000;
  let admin: AdminListener | null = null;
  try {
    await listen(server, config.port, config.host);
    if (config.adminPort !== null) admin = await startAdminListener(ctx, config.adminPort, config.adminHost, control.openapi);
  } catch (err) {
    // A port in use, say: nothing was served, so nothing to drain.
    server.close();
    await proxy.close();
    await control.close();
    await releaseStore();
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE" || e.code === "EACCES" || e.code === "EADDRNOTAVAIL") throw StartupError.fromListen(e, config);
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  listenUrl = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url: listenUrl, admin: admin?.url, store: store.location, instance: ctx.instanceId, redis: redis !== null }, "vendo listening");

  let closing: Promise<void> | null = null;
  return {
    url: listenUrl,
    port,
    adminUrl: admin?.url ?? null,
    ctx,
    store,
    settled: () => proxy.settled(),
    catchUp: () => proxy.catchUp(),
    reap: () => proxy.reap(),
    reconcileUpstream: (options) => proxy.reconcileUpstream(options),
    started: proxy.started,
    close: () =>
      (closing ??= (async () => {
        ctx.lifecycle.shuttingDown = true;
        const deadline = Date.now() + config.shutdownGraceMs;
        await closeHttpServer(server, deadline);
        await proxy.close(deadline);
        await control.close();
        await admin?.close();
        await releaseStore();
      })()),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * Stops accepting connections, lets in-flight responses finish, and closes keep-alive sockets as
 * soon as they go idle (server.close alone leaves them open until keepAliveTimeout). Whatever is
 * still busy at the deadline is cut.
 */
async function closeHttpServer(server: Server, deadline: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  const cut = setTimeout(() => server.closeAllConnections(), Math.max(0, deadline - Date.now()));
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
