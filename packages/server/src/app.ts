// Composition root: one HTTP server, the proxy (hot path) first, everything else to the control API;
// optionally an admin listener for metrics and probes. Start-up fails with one line (ConfigError,
// StartupError) when the configuration, the store or Redis is not usable.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { catalog as shippedCatalog, getIntegration, proxyHost } from "@vendo/integrations";
import type { Redis } from "ioredis";
import { startAdminListener, type AdminListener } from "./adminListener.js";
import { resolveConfig, type ServerOptions } from "./config.js";
import type { ServerContext } from "./context.js";
import { createControlApi } from "./control/index.js";
import { createLogger } from "./logger.js";
import { createProxy } from "./proxy/index.js";
import { connectRedis } from "./redis.js";
import { newId } from "./security/apiKeys.js";
import { createSecretBox } from "./security/secretBox.js";
import { openStore, type Store } from "./store/db.js";
import { StartupError } from "./startupError.js";

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
  reconcile(): Promise<{ settled: number; released: number }>;
  /** /readyz turns 503 at once; calls in flight get VENDO_SHUTDOWN_GRACE_MS in total, then are cut. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<VendoServer> {
  const config = resolveConfig(options);
  const logger = createLogger(config.logLevel, config.logStream);
  const redis: Redis | null = config.redisUrl ? await connectRedis(config.redisUrl, config.redisTimeoutMs) : null;
  let store: Store;
  try {
    store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, pgSchema: config.pgSchema, pgPoolSize: config.pgPoolSize });
  } catch (err) {
    redis?.disconnect();
    throw StartupError.fromStore(err as Error, config.databaseUrl ? "DATABASE_URL" : "VENDO_SQLITE_PATH");
  }
  let listenUrl = "";
  const upstreamUrls = new Map<string, string>();
  const ctx: ServerContext = {
    config,
    store,
    secrets: createSecretBox(config.secretKey, config.secretKeyPrevious),
    catalog: shippedCatalog,
    logger,
    redis,
    lifecycle: { shuttingDown: false },
    instanceId: newId("ins"),
    apiUrl: () => (config.publicUrl ?? listenUrl).replace(/\/+$/, ""),
    proxyUrl: (slug) => {
      const integration = getIntegration(slug, shippedCatalog);
      return config.proxyDomain
        ? `https://${proxyHost(integration, config.proxyDomain)}`
        : `${ctx.apiUrl()}/proxy/${slug}`;
    },
    // Asked on every metered call: worked out once per integration (an unknown slug still throws).
    upstreamUrl: (slug) => {
      let url = upstreamUrls.get(slug);
      if (url === undefined) {
        url = (config.upstreams[slug] ?? getIntegration(slug, shippedCatalog).upstream.baseUrl).replace(/\/+$/, "");
        upstreamUrls.set(slug, url);
      }
      return url;
    },
  };

  const proxy = await createProxy(ctx);
  // A write through the control API is applied to this instance's caches before it is answered.
  const control = await createControlApi(ctx, { afterWrite: () => proxy.catchUp() });
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
    server.close();
    await proxy.close();
    await control.close();
    await store.close();
    redis?.disconnect();
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
    reconcile: () => proxy.reconcile(),
    close: () =>
      (closing ??= (async () => {
        ctx.lifecycle.shuttingDown = true;
        const deadline = Date.now() + config.shutdownGraceMs;
        await closeHttpServer(server, deadline);
        await proxy.close(deadline);
        await control.close();
        await store.close();
        redis?.disconnect();
        await admin?.close();
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
