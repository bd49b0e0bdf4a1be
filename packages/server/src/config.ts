// Everything a server instance is configured with, resolved once at start-up from options and env.
import { join } from "node:path";
import { catalog as shippedCatalog, loadCatalog, type Integration } from "@vendo/integrations";
import { loadSecretKey } from "./security/secretBox.js";
import { upstreamOverridesFromEnv } from "./upstreamUrls.js";

export interface ServerOptions {
  port?: number;
  host?: string;
  /** Public domain of the proxies: calls to `<slug>-proxy.<domain>` are routed by Host. */
  proxyDomain?: string;
  /** Public URL of this server (for `/proxy/<slug>` URLs and VENDO_API_URL); defaults to the listen address. */
  publicUrl?: string;
  databaseUrl?: string | undefined;
  sqlitePath?: string | undefined;
  pgSchema?: string | undefined;
  /** Folder for the embedded store and the generated secret key (default ./.vendo). */
  dataDir?: string;
  /** Operator bearer for the control API. */
  adminToken?: string;
  /** VENDO_SECRET_KEY: 32 bytes, hex or base64. Generated into dataDir when absent. */
  secretKey?: string;
  /** Upstream base URLs by integration slug, replacing the catalog's (e.g. a sandbox). */
  upstreams?: Record<string, string>;
  /** A catalog folder (<slug>.json files) to serve instead of the shipped one; also VENDO_CATALOG_DIR. */
  catalogDir?: string;
  /**
   * The overridden upstreams are Vendo's sandbox on this machine (set by `vendo dev` when it starts
   * one): its `x-sandbox-*` headers and `~fault` model suffixes pass through the proxy. Only the
   * integrations in `upstreams` get it, and each must be on loopback, so a real upstream never does.
   */
  sandboxUpstream?: boolean;
  /**
   * Also route `<slug>-proxy.<domain>` by Host, in plain HTTP on this server's port, without
   * changing the proxy URLs given to deployments (`vendo dev` uses `localhost`).
   */
  devProxyDomain?: string;
  /** How long a hold may stay open before the reconciler ends it. */
  holdTimeoutMs?: number;
  /** Completion tokens assumed for a hold when a request gives no max_tokens. */
  defaultCompletionCap?: number;
  maxBodyBytes?: number;
  /** PostgreSQL: an instance silent this long is fenced and its pending holds are reaped. */
  instanceStaleMs?: number;
  /** How often the reaper looks for orphaned holds (default 30,000 ms). */
  reapIntervalMs?: number;
  /** How long an orphan whose generation is known waits for the upstream's record of it before
   *  it expires (default 120,000 ms). */
  orphanRecordGraceMs?: number;
  /** After a client disconnects, how long and how many bytes the proxy keeps reading upstream for usage. */
  drainTimeoutMs?: number;
  drainMaxBytes?: number;
  /** Connections to each upstream origin, i.e. calls in flight upstream at once (default 4096). */
  upstreamConnections?: number;
  /** How long the upstream may take to start answering, or go quiet mid-answer, before the call's
   *  outcome is unknown (default 300,000 ms). */
  upstreamTimeoutMs?: number;
  /** On close, how long in-flight responses may take before their sockets are cut. */
  shutdownGraceMs?: number;
  logLevel?: string;
  /** Where logs go (a writable stream); stdout by default. Tests capture it. */
  logStream?: NodeJS.WritableStream;
}

export interface ServerConfig {
  port: number;
  host: string;
  proxyDomain: string | null;
  publicUrl: string | null;
  databaseUrl: string | undefined;
  sqlitePath: string;
  pgSchema: string | undefined;
  dataDir: string;
  adminToken: string | null;
  secretKey: Buffer;
  upstreams: Record<string, string>;
  /** The integrations this instance serves (the shipped catalog unless catalogDir says otherwise). */
  catalog: ReadonlyMap<string, Integration>;
  sandboxUpstream: boolean;
  devProxyDomain: string | null;
  holdTimeoutMs: number;
  defaultCompletionCap: number;
  maxBodyBytes: number;
  instanceStaleMs: number;
  reapIntervalMs: number;
  orphanRecordGraceMs: number;
  drainTimeoutMs: number;
  drainMaxBytes: number;
  upstreamConnections: number;
  upstreamTimeoutMs: number;
  shutdownGraceMs: number;
  logLevel: string;
  logStream: NodeJS.WritableStream | undefined;
}

/** An instance whose heartbeat is older than this is dead (the reconciler and `vendo audit` agree). */
export const DEFAULT_INSTANCE_STALE_MS = 10_000;

/** Where the data folder and the SQLite file are, from options then env (the server and `vendo audit`). */
export function resolveDataPaths(options: { dataDir?: string | undefined; sqlitePath?: string | undefined }, env: NodeJS.ProcessEnv): { dataDir: string; sqlitePath: string } {
  const dataDir = options.dataDir ?? env.VENDO_DATA_DIR ?? ".vendo";
  return { dataDir, sqlitePath: options.sqlitePath ?? env.VENDO_SQLITE_PATH ?? join(dataDir, "vendo.db") };
}

export function resolveConfig(options: ServerOptions = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const { dataDir, sqlitePath } = resolveDataPaths(options, env);
  const catalogDir = options.catalogDir ?? env.VENDO_CATALOG_DIR;
  const catalog = catalogDir ? loadCatalog(catalogDir) : shippedCatalog;
  return {
    port: options.port ?? Number(env.PORT ?? 8080),
    host: options.host ?? env.VENDO_HOST ?? "127.0.0.1",
    proxyDomain: options.proxyDomain ?? env.VENDO_PROXY_DOMAIN ?? null,
    publicUrl: options.publicUrl ?? env.VENDO_PUBLIC_URL ?? null,
    databaseUrl: options.databaseUrl ?? env.DATABASE_URL,
    sqlitePath,
    pgSchema: options.pgSchema,
    dataDir,
    adminToken: options.adminToken ?? env.VENDO_ADMIN_TOKEN ?? null,
    secretKey: loadSecretKey(options.secretKey ?? env.VENDO_SECRET_KEY, join(dataDir, "secret.key")),
    upstreams: options.upstreams ?? upstreamOverridesFromEnv(env, catalog),
    catalog,
    sandboxUpstream: sandboxUpstream(options),
    devProxyDomain: options.devProxyDomain ?? null,
    holdTimeoutMs: options.holdTimeoutMs ?? 10 * 60_000,
    defaultCompletionCap: options.defaultCompletionCap ?? 4096,
    maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    instanceStaleMs: options.instanceStaleMs ?? DEFAULT_INSTANCE_STALE_MS,
    reapIntervalMs: options.reapIntervalMs ?? 30_000,
    orphanRecordGraceMs: options.orphanRecordGraceMs ?? 120_000,
    drainTimeoutMs: options.drainTimeoutMs ?? 120_000,
    drainMaxBytes: options.drainMaxBytes ?? 16 * 1024 * 1024,
    upstreamConnections: options.upstreamConnections ?? positiveInteger(env, "VENDO_UPSTREAM_CONNECTIONS", 4096),
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? positiveInteger(env, "VENDO_UPSTREAM_TIMEOUT_MS", 300_000),
    shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
    logLevel: options.logLevel ?? env.VENDO_LOG_LEVEL ?? "info",
    logStream: options.logStream,
  };
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The sandbox flag, refused unless every overridden upstream is on this machine. */
function sandboxUpstream(options: ServerOptions): boolean {
  if (!options.sandboxUpstream) return false;
  const upstreams = Object.entries(options.upstreams ?? {});
  if (upstreams.length === 0) throw new Error("sandboxUpstream needs the sandbox's base URL in upstreams.");
  for (const [slug, url] of upstreams) {
    if (!LOOPBACK_HOSTS.has(new URL(url).hostname)) {
      throw new Error(`sandboxUpstream is for a sandbox on this machine; the ${slug} upstream ${new URL(url).host} is not on loopback.`);
    }
  }
  return true;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got '${raw}'.`);
  return value;
}
