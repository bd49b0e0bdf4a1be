// Everything a server instance is configured with, resolved once at start-up from one validated
// table of settings (config/settings.ts): code options first, then `vendo start` flags, then env
// vars, then defaults. A bad value fails start-up with one line naming the variable.
import { join } from "node:path";
import { catalog as shippedCatalog, loadCatalog, type Integration } from "@vendo/integrations";
import { ConfigError } from "./config/configError.js";
import { settings, upstreamEnvName, upstreamUrlField, type SettingName, type SettingValues } from "./config/settings.js";
import { loadSecretKey } from "./security/secretBox.js";

export { ConfigError } from "./config/configError.js";

/** Options given in code (tests, `vendo dev`, the bench). Typed values; validated like env vars. */
export interface ServerOptions {
  port?: number;
  host?: string;
  proxyDomain?: string;
  publicUrl?: string;
  databaseUrl?: string | undefined;
  sqlitePath?: string | undefined;
  /** PostgreSQL schema to use (tests give each run its own). */
  pgSchema?: string | undefined;
  pgPoolSize?: number | undefined;
  dataDir?: string;
  adminToken?: string;
  adminPort?: number;
  adminHost?: string;
  /** VENDO_SECRET_KEY: 32 bytes, hex or base64. */
  secretKey?: string;
  /** VENDO_SECRET_KEY_PREVIOUS: comma-separated keys accepted for reading. */
  secretKeyPrevious?: string;
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
  holdTimeoutMs?: number;
  defaultCompletionCap?: number;
  maxBodyBytes?: number;
  instanceStaleMs?: number;
  reapIntervalMs?: number;
  orphanRecordGraceMs?: number;
  upstreamTimeoutMs?: number;
  drainTimeoutMs?: number;
  drainMaxBytes?: number;
  upstreamConnections?: number;
  redisUrl?: string;
  redisFailure?: "open" | "closed";
  redisTimeoutMs?: number;
  changePollMs?: number;
  cacheMaxStaleMs?: number;
  shutdownGraceMs?: number;
  logLevel?: string;
  /** Where logs go (a writable stream); stdout by default. Tests capture it. */
  logStream?: NodeJS.WritableStream;
  /** `vendo start` flags as typed by the operator, by setting name (text, validated here). */
  flags?: Readonly<Partial<Record<SettingName, string>>> & { upstream?: readonly string[] };
  /** The environment to read (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

export interface ServerConfig extends Omit<SettingValues, "catalogDir" | "pgSchema" | "secretKey" | "secretKeyPrevious" | "sqlitePath" | "proxyDomain" | "publicUrl" | "adminToken" | "adminPort" | "databaseUrl" | "redisUrl"> {
  proxyDomain: string | null;
  publicUrl: string | null;
  adminToken: string | null;
  adminPort: number | null;
  databaseUrl: string | undefined;
  redisUrl: string | null;
  sqlitePath: string;
  pgSchema: string | undefined;
  /** The key values are sealed with. */
  secretKey: Buffer;
  /** Older keys, for reading values sealed before a rotation. */
  secretKeyPrevious: Buffer[];
  /** Upstream base URL overrides by slug (no trailing slash). */
  upstreams: Record<string, string>;
  /** The integrations this instance serves (the shipped catalog unless catalogDir says otherwise). */
  catalog: ReadonlyMap<string, Integration>;
  sandboxUpstream: boolean;
  devProxyDomain: string | null;
  logStream: NodeJS.WritableStream | undefined;
}

/** An instance whose heartbeat is older than this is dead (the reconciler and `vendo audit` agree). */
export const DEFAULT_INSTANCE_STALE_MS = Number(settings.instanceStaleMs.default);

type Source = { value: string; from: string };

/** Where a setting's text comes from: code option, flag, env var, or its default (null: unset). */
function sourceOf(name: SettingName, options: ServerOptions, env: NodeJS.ProcessEnv): Source | null {
  const spec = settings[name];
  const coded = (options as Record<string, unknown>)[name];
  if (coded !== undefined && coded !== null) return { value: String(coded), from: `option ${name}` };
  const flag = options.flags?.[name];
  if (flag !== undefined && "flag" in spec) return { value: flag, from: spec.flag.split(" ")[0] as string };
  const fromEnv = env[spec.env];
  if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, from: spec.env };
  if ("default" in spec) return { value: spec.default, from: `the default of ${spec.env}` };
  return null;
}

function parseSetting<K extends SettingName>(name: K, options: ServerOptions, env: NodeJS.ProcessEnv): SettingValues[K] | null {
  const source = sourceOf(name, options, env);
  if (!source) return null;
  const result = settings[name].field.safeParse(source.value);
  if (!result.success) throw new ConfigError(`${source.from} ${result.error.issues[0]?.message ?? "is invalid"}.`, settings[name].env);
  return result.data as SettingValues[K];
}

/** Where the data folder and the SQLite file are, from options then env (the server and `vendo audit`). */
export function resolveDataPaths(options: Pick<ServerOptions, "dataDir" | "sqlitePath" | "flags">, env: NodeJS.ProcessEnv): { dataDir: string; sqlitePath: string } {
  const dataDir = parseSetting("dataDir", options, env) as string;
  return { dataDir, sqlitePath: parseSetting("sqlitePath", options, env) ?? join(dataDir, "vendo.db") };
}

/** Upstream base URL overrides: code options, then `--upstream slug=url` flags, then VENDO_UPSTREAM_<SLUG>_URL. */
function resolveUpstreams(options: ServerOptions, env: NodeJS.ProcessEnv, slugs: readonly string[]): Record<string, string> {
  const upstreams: Record<string, string> = {};
  const known = slugs.join(", ");
  const take = (slug: string, value: string, from: string) => {
    if (!slugs.includes(slug)) throw new ConfigError(`${from} names no integration '${slug}' (known: ${known}).`, from);
    const parsed = upstreamUrlField.safeParse(value);
    if (!parsed.success) throw new ConfigError(`${from} ${parsed.error.issues[0]?.message ?? "is invalid"}.`, from);
    upstreams[slug] = parsed.data;
  };
  const byEnvName = new Map(slugs.map((s) => [upstreamEnvName(s), s]));
  for (const [name, value] of Object.entries(env)) {
    if (!/^VENDO_UPSTREAM_.+_URL$/.test(name) || value === undefined || value === "") continue;
    const slug = byEnvName.get(name);
    if (!slug) throw new ConfigError(`${name} names no integration (known: ${slugs.map(upstreamEnvName).join(", ")}).`, name);
    take(slug, value, name);
  }
  for (const pair of options.flags?.upstream ?? []) {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new ConfigError(`--upstream expects <slug>=<url>, got "${pair}".`, "--upstream");
    take(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim(), "--upstream");
  }
  for (const [slug, value] of Object.entries(options.upstreams ?? {})) take(slug, value, `option upstreams.${slug}`);
  return upstreams;
}

/**
 * The whole configuration, validated. Throws ConfigError (one line, naming the variable) on the
 * first bad value, or when DATABASE_URL is set without VENDO_SECRET_KEY: instances sharing a
 * database must share the key that seals its credentials.
 */
export function resolveConfig(options: ServerOptions = {}, env: NodeJS.ProcessEnv = options.env ?? process.env): ServerConfig {
  const { dataDir, sqlitePath } = resolveDataPaths(options, env);
  const catalogDir = parseSetting("catalogDir", options, env);
  const catalog = catalogDir ? catalogFrom(catalogDir) : shippedCatalog;
  const databaseUrl = parseSetting("databaseUrl", options, env) ?? undefined;
  const givenKey = parseSetting("secretKey", options, env);
  if (!givenKey && databaseUrl) {
    throw new ConfigError(
      "VENDO_SECRET_KEY is required with DATABASE_URL: every instance sharing the database must seal and open credentials with the same key (`vendo secrets generate` prints one).",
      "VENDO_SECRET_KEY",
    );
  }
  const value = <K extends SettingName>(name: K) => parseSetting(name, options, env) as SettingValues[K];
  return {
    port: value("port"),
    host: value("host"),
    proxyDomain: parseSetting("proxyDomain", options, env),
    publicUrl: parseSetting("publicUrl", options, env),
    adminToken: parseSetting("adminToken", options, env),
    adminPort: parseSetting("adminPort", options, env),
    adminHost: value("adminHost"),
    databaseUrl,
    pgPoolSize: value("pgPoolSize"),
    pgSchema: parseSetting("pgSchema", options, env) ?? undefined,
    dataDir,
    sqlitePath,
    secretKey: givenKey ?? loadSecretKey(undefined, join(dataDir, "secret.key")),
    secretKeyPrevious: parseSetting("secretKeyPrevious", options, env) ?? [],
    upstreams: resolveUpstreams(options, env, [...catalog.keys()]),
    catalog,
    sandboxUpstream: sandboxUpstream(options),
    devProxyDomain: options.devProxyDomain ?? null,
    upstreamConnections: value("upstreamConnections"),
    maxBodyBytes: value("maxBodyBytes"),
    holdTimeoutMs: value("holdTimeoutMs"),
    defaultCompletionCap: value("defaultCompletionCap"),
    drainTimeoutMs: value("drainTimeoutMs"),
    drainMaxBytes: value("drainMaxBytes"),
    instanceStaleMs: value("instanceStaleMs"),
    reapIntervalMs: value("reapIntervalMs"),
    orphanRecordGraceMs: value("orphanRecordGraceMs"),
    upstreamTimeoutMs: value("upstreamTimeoutMs"),
    redisUrl: parseSetting("redisUrl", options, env),
    redisFailure: value("redisFailure"),
    redisTimeoutMs: value("redisTimeoutMs"),
    changePollMs: value("changePollMs"),
    cacheMaxStaleMs: value("cacheMaxStaleMs"),
    shutdownGraceMs: value("shutdownGraceMs"),
    logLevel: value("logLevel"),
    logStream: options.logStream,
  };
}

/** A catalog folder, loaded and validated; any fault is a one-line ConfigError naming the variable. */
function catalogFrom(dir: string): ReadonlyMap<string, Integration> {
  try {
    return loadCatalog(dir);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, "; ");
    throw new ConfigError(`VENDO_CATALOG_DIR ${dir}: ${reason}`, "VENDO_CATALOG_DIR");
  }
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

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

