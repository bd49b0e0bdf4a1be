// The checks of `vendo doctor`: the configuration, the store, Redis, the sealed secrets and every
// integration's upstream, each as one line saying what is wrong. Nothing is started or changed.
import { existsSync } from "node:fs";
import type { Kysely } from "kysely";
import { request } from "undici";
import { resolveConfig, type ServerConfig } from "../config.js";
import { upstreamEnvName } from "../config/settings.js";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const UPSTREAM_TIMEOUT_MS = 5000;

export async function runDoctor(env: NodeJS.ProcessEnv): Promise<Check[]> {
  let config: ServerConfig;
  try {
    config = resolveConfig({ env });
  } catch (err) {
    return [{ name: "config", ok: false, detail: (err as Error).message }];
  }
  const checks: Check[] = [{ name: "config", ok: true, detail: `valid (${config.databaseUrl ? "PostgreSQL" : "SQLite"}, ${config.redisUrl ? "Redis" : "no Redis"})` }];
  checks.push(...(await storeChecks(config)));
  checks.push(await redisCheck(config));
  for (const slug of config.catalog.keys()) checks.push(await upstreamCheck(config, slug));
  return checks;
}

async function storeChecks(config: ServerConfig): Promise<Check[]> {
  if (!config.databaseUrl && !existsSync(config.sqlitePath)) {
    return [{ name: "store", ok: true, detail: `no SQLite file at ${config.sqlitePath} yet (created at the first start)` }];
  }
  const [{ openStore, pendingMigrations }, { createSecretBox }, { SEALED_COLUMNS }] = await Promise.all([
    import("../store/db.js"),
    import("../security/secretBox.js"),
    import("../security/rotateSecrets.js"),
  ]);
  let store;
  try {
    store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, pgSchema: config.pgSchema, migrate: false });
    const pending = await pendingMigrations(store, config.pgSchema);
    const checks: Check[] = [{ name: "store", ok: true, detail: `${store.location} answers${pending.length ? `; ${pending.length} migrations run at the next start` : ""}` }];
    if (pending.length === 0) {
      const box = createSecretBox(config.secretKey, config.secretKeyPrevious);
      let unreadable = 0;
      let total = 0;
      for (const { table, column } of SEALED_COLUMNS) {
        const db = store.db as unknown as Kysely<Record<string, Record<string, string | null>>>;
        for (const row of await db.selectFrom(table).select(column).where(column, "is not", null).execute()) {
          total++;
          try {
            box.open(row[column] as string);
          } catch {
            unreadable++;
          }
        }
      }
      checks.push(
        unreadable === 0
          ? { name: "secrets", ok: true, detail: `all ${total} stored secrets open with the configured keys (current key ${box.keyId})` }
          : { name: "secrets", ok: false, detail: `${unreadable} of ${total} stored secrets open with none of the configured keys: VENDO_SECRET_KEY (or VENDO_SECRET_KEY_PREVIOUS) is not the key they were sealed with` },
      );
    }
    return checks;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return [{ name: "store", ok: false, detail: `${config.databaseUrl ? "DATABASE_URL" : "VENDO_SQLITE_PATH"}: cannot open the store (${e.code ?? e.message.split("\n")[0]})` }];
  } finally {
    await store?.close();
  }
}

async function redisCheck(config: ServerConfig): Promise<Check> {
  if (!config.redisUrl) return { name: "redis", ok: true, detail: "REDIS_URL not set: rate limits are per instance" };
  const { connectRedis, redisLocation } = await import("../redis.js");
  try {
    const redis = await connectRedis(config.redisUrl, config.redisTimeoutMs);
    redis.disconnect();
    return { name: "redis", ok: true, detail: `${redisLocation(config.redisUrl)} answers` };
  } catch (err) {
    return { name: "redis", ok: false, detail: (err as Error).message };
  }
}

/** The upstream answers HTTP at a path it serves without a key's cost (its models list where the
 *  catalog proxies one, else its API's root): any status below 500 means it is there. */
async function upstreamCheck(config: ServerConfig, slug: string): Promise<Check> {
  const integration = config.catalog.get(slug);
  const base = config.upstreams[slug] ?? integration?.upstream.baseUrl ?? "";
  const from = config.upstreams[slug] ? upstreamEnvName(slug) : "the catalog";
  const probe = integration?.proxy.paths.find((p) => p.method === "GET" && !p.metered)?.path ?? `${integration?.proxy.basePath ?? ""}/`;
  const url = `${base}${probe}`;
  try {
    const res = await request(url, { method: "GET", headersTimeout: UPSTREAM_TIMEOUT_MS, bodyTimeout: UPSTREAM_TIMEOUT_MS, signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
    await res.body.dump();
    if (res.statusCode >= 500) return { name: `upstream ${slug}`, ok: false, detail: `${url} (from ${from}) answered ${res.statusCode}` };
    return { name: `upstream ${slug}`, ok: true, detail: `${url} answers (${res.statusCode})` };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { name: `upstream ${slug}`, ok: false, detail: `${url} (from ${from}) does not answer (${e.code ?? e.name})` };
  }
}
