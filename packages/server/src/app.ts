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
import { createSecretBox } from "./security/secretBox.js";
import { openStore, type Store } from "./store/db.js";

export interface VendoServer {
  url: string;
  port: number;
  ctx: ServerContext;
  store: Store;
  /** Resolves when every settlement submitted so far is committed (settling trails the response). */
  settled(): Promise<void>;
  /** Applies every configuration change committed so far to this instance's caches (change feed). */
  catchUp(): Promise<void>;
  /** Ends orphaned holds now instead of at the next periodic pass. */
  reconcile(): Promise<{ settled: number; released: number }>;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<VendoServer> {
  const config = resolveConfig(options);
  const logger = createLogger(config.logLevel, config.logStream);
  const store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, pgSchema: config.pgSchema, pgPoolSize: config.pgPoolSize });
  let listenUrl = "";
  const upstreamUrls = new Map<string, string>();
  const ctx: ServerContext = {
    config,
    store,
    secrets: createSecretBox(config.secretKey, config.secretKeyPrevious),
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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
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
    catchUp: () => proxy.catchUp(),
    reconcile: () => proxy.reconcile(),
    close: () =>
      (closing ??= (async () => {
        await closeHttpServer(server, config.shutdownGraceMs);
        await proxy.close();
        await control.close();
        await store.close();
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
