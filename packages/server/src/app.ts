// Composition root: one HTTP server, the proxy (hot path) first, everything else to the control API.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { catalog as shippedCatalog, getIntegration, proxyHost } from "@vendo/integrations";
import { resolveConfig, type ServerOptions } from "./config.js";
import type { ServerContext } from "./context.js";
import { createControlApi } from "./control/index.js";
import { createLogger } from "./logger.js";
import { createProxy } from "./proxy/index.js";
import { newId } from "./security/apiKeys.js";
import type { ReapReport } from "./ledger/reaper.js";
import type { CredentialReconciliation } from "./ledger/reconciliation.js";
import { createSecretBox } from "./security/secretBox.js";
import { openStore, type Store } from "./store/db.js";
import { claimSqliteOwnership } from "./store/ownership.js";
import { createUpstreamUrlResolver } from "./upstreamUrls.js";

export interface VendoServer {
  url: string;
  port: number;
  ctx: ServerContext;
  store: Store;
  /** Resolves when every settlement submitted so far is committed (settling trails the response). */
  settled(): Promise<void>;
  /** Ends orphaned holds now instead of at the next periodic pass. */
  reap(): Promise<ReapReport>;
  /** Reconciles the pool credentials with the upstream's record now. */
  reconcileUpstream(options?: { dryRun?: boolean }): Promise<CredentialReconciliation[]>;
  /** Resolves when start-up work in the background (reaping, rebuilding call records) is done. */
  started: Promise<void>;
  /** Makes the proxy see control-API changes (pool, keys, markup) now rather than within a second. */
  syncProxy(): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<VendoServer> {
  const config = resolveConfig(options);
  const logger = createLogger(config.logLevel, config.logStream);
  // One process serves an SQLite store: claimed before anything (migrations included) touches it.
  const ownership = config.databaseUrl || config.sqlitePath === ":memory:" ? null : claimSqliteOwnership(config.sqlitePath);
  let store: Store;
  try {
    store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, pgSchema: config.pgSchema });
  } catch (error) {
    ownership?.release();
    throw error;
  }
  let listenUrl = "";
  const ctx: ServerContext = {
    config,
    store,
    secrets: createSecretBox(config.secretKey),
    catalog: shippedCatalog,
    logger,
    instanceId: newId("ins"),
    apiUrl: () => (config.publicUrl ?? listenUrl).replace(/\/+$/, ""),
    proxyUrl: (slug) => {
      const integration = getIntegration(slug, shippedCatalog);
      return config.proxyDomain
        ? `https://${proxyHost(integration, config.proxyDomain)}`
        : `${ctx.apiUrl()}/proxy/${slug}`;
    },
    upstreamUrl: createUpstreamUrlResolver(config.upstreams, shippedCatalog),
  };

  const proxy = await createProxy(ctx).catch(async (error: unknown) => {
    await store.close();
    ownership?.release();
    throw error;
  });
  const control = await createControlApi(ctx, { poolHealth: () => proxy.poolHealth() });
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const route = proxy.route(req);
    if (route) proxy.handle(req, res, route);
    else control.handle(req, res);
  });
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  }).catch(async (error: unknown) => {
    // A port in use, say: nothing was served, so nothing to drain.
    await proxy.close();
    await control.close();
    await store.close();
    ownership?.release();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  listenUrl = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url: listenUrl, store: store.location, instance: ctx.instanceId }, "vendo listening");

  let closing: Promise<void> | null = null;
  return {
    url: listenUrl,
    port,
    ctx,
    store,
    settled: () => proxy.settled(),
    reap: () => proxy.reap(),
    reconcileUpstream: (options) => proxy.reconcileUpstream(options),
    started: proxy.started,
    syncProxy: () => proxy.sync(),
    close: () =>
      (closing ??= (async () => {
        await closeHttpServer(server, config.shutdownGraceMs);
        await proxy.close();
        await control.close();
        await store.close();
        ownership?.release();
      })()),
  };
}

/**
 * Stops accepting connections, lets in-flight responses finish, and closes keep-alive sockets as
 * soon as they go idle (server.close alone leaves them open until keepAliveTimeout). Whatever is
 * still busy after the grace period is cut.
 */
async function closeHttpServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}
