// Every setting of a Vendo server, in one table: its env var, its `vendo start` flag, how its text
// is validated, its default and what it does. config.ts resolves a configuration from it and
// docs/configuration.md is generated from it (`npm run generate`; a test keeps them the same).
import { hostname, identifier, integer, oneOf, secretKey, secretKeyList, text, url, type Field } from "./fields.js";

export interface SettingSpec<T> {
  env: string;
  /** The `vendo start` flag, e.g. "--port <n>"; none for settings that only an env var gives. */
  flag?: string;
  field: Field<T>;
  /** The default, as text (parsed by `field`); absent when the setting is optional. */
  default?: string;
  /** What the docs say about the default when it is not a plain value. */
  defaultDoc?: string;
  group: SettingGroup;
  doc: string;
  /** Never printed (errors name the variable, not the value). */
  secret?: boolean;
}

export type SettingGroup = "Server" | "Store" | "Secrets" | "Proxy" | "Rate limits" | "Change feed" | "Lifecycle" | "Logging";

const setting = <T>(spec: SettingSpec<T>): SettingSpec<T> => spec;

const MINUTE = 60_000;
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const settings = {
  port: setting({ env: "PORT", flag: "--port <n>", field: integer(0, 65_535), default: "8080", group: "Server", doc: "Port of the proxy and the control API (0 picks a free one)." }),
  host: setting({ env: "VENDO_HOST", flag: "--host <host>", field: text(), default: "127.0.0.1", group: "Server", doc: "Interface to listen on (0.0.0.0 for every interface)." }),
  proxyDomain: setting({
    env: "VENDO_PROXY_DOMAIN",
    flag: "--proxy-domain <domain>",
    field: hostname(),
    group: "Server",
    doc: "Serve each integration's proxy on `<slug>-proxy.<domain>` (by Host header). Without it, proxies are at `/proxy/<slug>` on this server.",
  }),
  publicUrl: setting({
    env: "VENDO_PUBLIC_URL",
    flag: "--public-url <url>",
    field: url(["http:", "https:"]),
    defaultDoc: "the listen address",
    group: "Server",
    doc: "This server's public URL: the `VENDO_API_URL` and proxy URLs handed to deployments.",
  }),
  adminToken: setting({
    env: "VENDO_ADMIN_TOKEN",
    field: text(),
    group: "Server",
    secret: true,
    doc: "The operator's bearer for the control API (and /metrics, the OpenAPI document on the public port). Without it operator routes refuse every caller.",
  }),
  adminPort: setting({
    env: "VENDO_ADMIN_PORT",
    flag: "--admin-port <n>",
    field: integer(0, 65_535),
    group: "Server",
    doc: "A second listener for operations: /metrics, /healthz, /readyz and the OpenAPI document without a token. Without it, /metrics and the OpenAPI document need the admin token on the public port.",
  }),
  adminHost: setting({ env: "VENDO_ADMIN_HOST", field: text(), default: "127.0.0.1", group: "Server", doc: "Interface of the admin listener." }),
  catalogDir: setting({
    env: "VENDO_CATALOG_DIR",
    flag: "--catalog-dir <dir>",
    field: text(),
    defaultDoc: "the shipped catalog",
    group: "Server",
    doc: "A catalog folder (`<slug>.json` files, validated at start-up) to serve instead of the shipped one: e.g. a per-call API added as data, with no code.",
  }),

  databaseUrl: setting({
    env: "DATABASE_URL",
    field: url(["postgres:", "postgresql:"], { secret: true }),
    defaultDoc: "none: SQLite",
    group: "Store",
    secret: true,
    doc: "PostgreSQL (`postgres://user:password@host:5432/db`). Several instances may share it; it then requires `VENDO_SECRET_KEY`.",
  }),
  pgSchema: setting({
    env: "VENDO_PG_SCHEMA",
    field: identifier(),
    defaultDoc: "the connection's search_path",
    group: "Store",
    doc: "PostgreSQL schema holding Vendo's tables (several Vendos may share a database, one schema each). It must exist.",
  }),
  pgPoolSize: setting({ env: "VENDO_PG_POOL_SIZE", field: integer(1, 1000), default: "10", group: "Store", doc: "Connections of the PostgreSQL pool, per instance (the change feed's listener is one more)." }),
  dataDir: setting({
    env: "VENDO_DATA_DIR",
    flag: "--data-dir <dir>",
    field: text(),
    default: ".vendo",
    group: "Store",
    doc: "Folder of the SQLite store and, without `VENDO_SECRET_KEY` on SQLite, the generated secret key.",
  }),
  sqlitePath: setting({ env: "VENDO_SQLITE_PATH", field: text(), defaultDoc: "`<data dir>/vendo.db`", group: "Store", doc: "The SQLite file (when `DATABASE_URL` is not set)." }),

  secretKey: setting({
    env: "VENDO_SECRET_KEY",
    field: secretKey(),
    defaultDoc: "SQLite: generated into the data dir; PostgreSQL: required",
    group: "Secrets",
    secret: true,
    doc: "The AES-256 key that seals upstream credentials and deployment keys at rest (64 hex characters; `vendo secrets generate` prints one). Every instance of one store must have the same.",
  }),
  secretKeyPrevious: setting({
    env: "VENDO_SECRET_KEY_PREVIOUS",
    field: secretKeyList(),
    group: "Secrets",
    secret: true,
    doc: "Comma-separated keys accepted for reading only, during a rotation (see `vendo secrets rotate`). Values are always sealed with `VENDO_SECRET_KEY`.",
  }),

  upstreamConnections: setting({ env: "VENDO_UPSTREAM_CONNECTIONS", field: integer(1, 1_000_000), default: "4096", group: "Proxy", doc: "Connections to each upstream origin, i.e. upstream calls in flight at once." }),
  maxBodyBytes: setting({ env: "VENDO_MAX_BODY_BYTES", field: integer(1024), default: String(4 * 1024 * 1024), group: "Proxy", doc: "Largest request body the proxy accepts (413 above)." }),
  upstreamTimeoutMs: setting({
    env: "VENDO_UPSTREAM_TIMEOUT_MS",
    field: integer(100),
    default: String(5 * MINUTE),
    group: "Proxy",
    doc: "How long the upstream may take to start its answer, or go quiet in the middle of it, before the call's outcome is unknown (502, never resent; docs/money.md).",
  }),
  holdTimeoutMs: setting({ env: "VENDO_HOLD_TIMEOUT_MS", field: integer(1000), default: String(10 * MINUTE), group: "Proxy", doc: "A hold's timeout: after it, an audit counts a hold its silent instance left pending as a leak." }),
  defaultCompletionCap: setting({
    env: "VENDO_DEFAULT_COMPLETION_CAP",
    field: integer(1),
    default: "4096",
    group: "Proxy",
    doc: "Completion tokens a hold assumes when a request sets no `max_tokens` and the model states no maximum.",
  }),
  drainTimeoutMs: setting({ env: "VENDO_DRAIN_TIMEOUT_MS", field: integer(0), default: String(2 * MINUTE), group: "Proxy", doc: "After a client leaves, how long the proxy keeps reading the upstream's answer for its usage." }),
  drainMaxBytes: setting({ env: "VENDO_DRAIN_MAX_BYTES", field: integer(0), default: String(16 * 1024 * 1024), group: "Proxy", doc: "After a client leaves, how many bytes the proxy reads at most for the usage." }),
  instanceStaleMs: setting({
    env: "VENDO_INSTANCE_STALE_MS",
    field: integer(1000),
    default: "10000",
    group: "Proxy",
    doc: "PostgreSQL: an instance whose heartbeat is older than this is fenced by a peer's reaper, and its pending holds are reaped (docs/money.md).",
  }),
  reapIntervalMs: setting({ env: "VENDO_REAP_INTERVAL_MS", field: integer(100), default: String(30_000), group: "Proxy", doc: "How often each instance looks for orphaned holds to post from the upstream's record or expire." }),
  orphanRecordGraceMs: setting({
    env: "VENDO_ORPHAN_RECORD_GRACE_MS",
    field: integer(0),
    default: String(2 * MINUTE),
    group: "Proxy",
    doc: "How long an orphaned hold whose generation is known waits for the upstream's record of it before it expires.",
  }),

  redisUrl: setting({
    env: "REDIS_URL",
    field: url(["redis:", "rediss:"], { secret: true }),
    defaultDoc: "none: limits per instance",
    group: "Rate limits",
    secret: true,
    doc: "Redis shared by every instance for the keys' requests-per-minute and tokens-per-minute limits. Without it each instance keeps its own buckets (N instances admit up to N × the limit).",
  }),
  redisFailure: setting({
    env: "VENDO_REDIS_FAILURE",
    field: oneOf(["open", "closed"]),
    default: "open",
    group: "Rate limits",
    doc: "When Redis does not answer: `open` admits the call against this instance's own bucket, `closed` refuses it (503). Either way it is logged and counted (`vendo_rate_limit_redis_errors_total`).",
  }),
  redisTimeoutMs: setting({ env: "VENDO_REDIS_TIMEOUT_MS", field: integer(1, 60_000), default: "500", group: "Rate limits", doc: "How long a call waits for an answer from Redis before the failure mode applies (a closed connection fails at once)." }),

  changePollMs: setting({
    env: "VENDO_CHANGE_POLL_MS",
    field: integer(10, 60_000),
    default: "500",
    group: "Change feed",
    doc: "How often each instance reads the change feed (keys, tenants, connections, pools, markups). On PostgreSQL, LISTEN/NOTIFY wakes it at once; polling is the fallback.",
  }),
  cacheMaxStaleMs: setting({
    env: "VENDO_CACHE_MAX_STALENESS_MS",
    // Below the change feed's retention (an hour): an entry never outlives the changes that could drop it.
    field: integer(100, 10 * MINUTE),
    default: "30000",
    group: "Change feed",
    doc: "The oldest a cached key, pool or markup may be before it is read again from the store, whatever the feed says.",
  }),

  shutdownGraceMs: setting({
    env: "VENDO_SHUTDOWN_GRACE_MS",
    field: integer(0, 10 * MINUTE),
    default: "10000",
    group: "Lifecycle",
    doc: "On SIGTERM, /readyz answers 503 at once; calls in flight then get this long in total to finish before their sockets are cut.",
  }),
  logLevel: setting({ env: "VENDO_LOG_LEVEL", field: oneOf(LOG_LEVELS), default: "info", group: "Logging", doc: `Log level: ${LOG_LEVELS.join(", ")}.` }),
} as const;

export type SettingName = keyof typeof settings;
export type SettingValues = { [K in SettingName]: (typeof settings)[K] extends SettingSpec<infer T> ? T : never };

/** Upstream base URL overrides, one variable per integration: `VENDO_UPSTREAM_<SLUG>_URL`. */
export function upstreamEnvName(slug: string): string {
  return `VENDO_UPSTREAM_${slug.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_URL`;
}

export const upstreamUrlField = url(["http:", "https:"]);
