// authenticate: the caller's `vendo_sk_…` key, sent where the integration's clients send their
// provider's key (the catalog's upstream.auth: `Authorization: Bearer …`, `x-api-key: …`), or as
// `Authorization: Bearer …` for any integration → the key's record. Lookups go by SHA-256 hash
// and are cached; the change feed (configSync.ts) drops entries whose key, connection or tenant
// changed, and no entry is used past its maximum staleness whatever the feed says.
import type { IncomingMessage } from "node:http";
import type { Integration } from "@vendo/integrations";
import type { Store } from "../store/db.js";
import type { LimitReset } from "../store/schema.js";
import type { SecretBox } from "../security/secretBox.js";
import { hashKey, MANAGEMENT_KEY_PREFIX, PROXY_KEY_PREFIX } from "../security/apiKeys.js";
import { ProxyError } from "./errors.js";

export interface KeyRecord {
  id: string;
  tenantId: string;
  integration: string;
  deploymentId: string | null;
  limitAmount: bigint | null;
  limitReset: LimitReset;
  rpm: number | null;
  /** Tokens (prompt + completion) per minute, or null. */
  tpm: number | null;
  models: ReadonlySet<string> | null;
  /** Web origins a browser may call with this key (CORS), "*" for any; null: none. */
  allowedOrigins: ReadonlySet<string> | null;
  expiresAt: number | null;
  disabled: boolean;
  tenantSuspended: boolean;
  /** The tenant's own upstream key when the key's connection uses a bring-your-own-key profile. */
  ownCredential: string | null;
  /** The auth profile of the key's connection (null for a key made without a connection). */
  profile: string | null;
  /** Lower max_tokens to what is affordable instead of refusing (the key's fit_to_balance policy). */
  fitToBalance: boolean;
}

const NEGATIVE_TTL_MS = 1000;
const MAX_MISSING = 10_000;

interface CachedKey {
  record: KeyRecord;
  /** performance.now() when it was read from the store. */
  loadedAt: number;
}

export function createKeyCache(store: Store, secrets: SecretBox, maxStaleMs: number) {
  const cache = new Map<string, CachedKey>();
  // Indexes for invalidation by key id and by tenant: hash → entry is the lookup path.
  const hashById = new Map<string, string>();
  const hashesByTenant = new Map<string, Set<string>>();
  // Bumped by every invalidation: a load that raced one is not cached (it may have read the row
  // before the change committed).
  let generation = 0;
  // Unknown keys, remembered briefly (by when to look again) and only so many: random tokens must
  // not grow memory, and a key created a moment ago must not stay unknown for long.
  const missing = new Map<string, number>();

  async function load(hash: string): Promise<KeyRecord | null> {
    const row = await store.db
      .selectFrom("api_keys as k")
      .innerJoin("tenants as t", "t.id", "k.tenant_id")
      .leftJoin("connections as c", (j) => j.onRef("c.api_key_id", "=", "k.id").on("c.deleted_at", "is", null))
      .select([
        "k.id",
        "k.tenant_id",
        "k.integration",
        "k.deployment_id",
        "k.limit_amount",
        "k.limit_reset",
        "k.rpm",
        "k.tpm",
        "k.models",
        "k.allowed_origins",
        "k.expires_at",
        "k.disabled_at",
        "k.deleted_at",
        "k.fit_to_balance",
        "t.status",
        "c.credential_enc",
        "c.profile",
      ])
      .where("k.key_hash", "=", hash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      integration: row.integration,
      deploymentId: row.deployment_id,
      limitAmount: row.limit_amount,
      limitReset: row.limit_reset,
      rpm: row.rpm === null ? null : Number(row.rpm),
      tpm: row.tpm === null ? null : Number(row.tpm),
      models: row.models ? new Set(JSON.parse(row.models) as string[]) : null,
      allowedOrigins: row.allowed_origins ? new Set(JSON.parse(row.allowed_origins) as string[]) : null,
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      disabled: row.disabled_at !== null || row.deleted_at !== null,
      tenantSuspended: row.status !== "active",
      ownCredential: row.credential_enc ? secrets.open(row.credential_enc) : null,
      profile: row.profile ?? null,
      fitToBalance: row.fit_to_balance === 1n,
    };
  }

  function forget(hash: string): void {
    const entry = cache.get(hash);
    if (!entry) return;
    cache.delete(hash);
    hashById.delete(entry.record.id);
    hashesByTenant.get(entry.record.tenantId)?.delete(hash);
  }

  function remember(hash: string, record: KeyRecord): void {
    cache.set(hash, { record, loadedAt: performance.now() });
    hashById.set(record.id, hash);
    let hashes = hashesByTenant.get(record.tenantId);
    if (!hashes) hashesByTenant.set(record.tenantId, (hashes = new Set()));
    hashes.add(hash);
  }

  async function lookup(hash: string): Promise<KeyRecord | null> {
    const hit = cache.get(hash);
    if (hit && performance.now() - hit.loadedAt <= maxStaleMs) return hit.record;
    if (!hit && (missing.get(hash) ?? 0) > Date.now()) return null;
    const startedAt = generation;
    const record = await load(hash);
    // An invalidation raced this load, which may have read the row before the change committed:
    // read it again, and cache nothing this time.
    if (startedAt !== generation) return load(hash);
    forget(hash);
    if (record) {
      remember(hash, record);
      missing.delete(hash);
    } else {
      if (missing.size >= MAX_MISSING) missing.clear();
      missing.set(hash, Date.now() + NEGATIVE_TTL_MS);
    }
    return record;
  }

  return {
    /** Resolves the caller's key or throws the 401/403 the client should see. */
    async authenticate(req: IncomingMessage, integration: Integration, now: number): Promise<KeyRecord> {
      const token = presentedKey(req, integration);
      if (token.startsWith(MANAGEMENT_KEY_PREFIX)) throw new ProxyError("MANAGEMENT_KEY");
      if (!token.startsWith(PROXY_KEY_PREFIX)) throw new ProxyError("INVALID_KEY");
      const key = await lookup(hashKey(token));
      if (!key) throw new ProxyError("INVALID_KEY");
      if (key.disabled) throw new ProxyError("KEY_DISABLED");
      if (key.expiresAt !== null && key.expiresAt <= now) throw new ProxyError("KEY_EXPIRED");
      if (key.tenantSuspended) throw new ProxyError("TENANT_SUSPENDED");
      if (key.integration !== integration.slug) throw new ProxyError("WRONG_INTEGRATION");
      return key;
    },
    /** Forgets a key (it, or its connection, changed) and every negative entry (it may be new). */
    invalidateKey(keyId: string): void {
      generation++;
      const hash = hashById.get(keyId);
      if (hash) forget(hash);
      missing.clear();
    },
    /** Forgets every key of a tenant (its status changed). */
    invalidateTenant(tenantId: string): void {
      generation++;
      for (const hash of [...(hashesByTenant.get(tenantId) ?? [])]) forget(hash);
      hashesByTenant.delete(tenantId);
    },
    /** Forgets everything (the feed cannot tell what changed). */
    clear(): void {
      generation++;
      cache.clear();
      hashById.clear();
      hashesByTenant.clear();
      missing.clear();
    },
  };
}

export type KeyCache = ReturnType<typeof createKeyCache>;

/** The key the caller presented, where the integration's clients send theirs (else as a bearer). */
function presentedKey(req: IncomingMessage, integration: Integration): string {
  const { header, scheme } = integration.upstream.auth;
  const own = req.headers[header];
  if (typeof own === "string" && own !== "") {
    if (!scheme) return own.trim();
    if (own.slice(0, scheme.length + 1).toLowerCase() === `${scheme.toLowerCase()} `) return own.slice(scheme.length + 1).trim();
  }
  const authorization = req.headers.authorization;
  if (typeof authorization === "string" && authorization.slice(0, 7).toLowerCase() === "bearer ") return authorization.slice(7).trim();
  if (!own && !authorization) {
    const shown = header === "authorization" ? "Authorization" : header;
    throw new ProxyError("MISSING_KEY", `Missing API key: send '${shown}: ${scheme ? `${scheme} ` : ""}vendo_sk_…'.`);
  }
  return "";
}
