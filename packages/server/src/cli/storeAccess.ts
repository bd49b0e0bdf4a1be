// What `vendo audit` and `vendo reconcile` work on directly (no server needed): the store (the
// SQLite file or DATABASE_URL), and the upstream as the server sees it — the pool credentials
// decrypted with the instance's secret key, and each integration's upstream URL (the catalog's,
// VENDO_UPSTREAM_<SLUG>_URL, or what `vendo dev` wrote for its sandbox in <data-dir>/upstreams.json).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalog } from "@vendo/integrations";
import { resolveDataPaths } from "../config.js";
import type { Store } from "../store/db.js";
import { upstreamOverridesFromEnv } from "../upstreamUrls.js";
import { CliError } from "./cliError.js";

export interface StoreOptions {
  sqlitePath?: string;
  dataDir?: string;
}

/** Opens the store the server uses; throws a CliError when there is none. */
export async function openStoreOrFail(env: NodeJS.ProcessEnv, opts: StoreOptions): Promise<Store> {
  const databaseUrl = opts.sqlitePath ? undefined : env.DATABASE_URL;
  const { sqlitePath } = resolveDataPaths({ ...(opts.sqlitePath && { sqlitePath: opts.sqlitePath }), ...(opts.dataDir && { dataDir: opts.dataDir }) }, env);
  if (!databaseUrl && !existsSync(sqlitePath)) throw new CliError(`No store at ${sqlitePath}: pass --sqlite-path or set DATABASE_URL.`);
  // The store's modules load only for the verbs that need them (see startServerOrFail).
  const { openStore } = await import("../store/db.js");
  return openStore({ databaseUrl, sqlitePath });
}

const UPSTREAMS_FILE = "upstreams.json";

/** `vendo dev` records where its sandbox listens, so the CLI's upstream checks reach it. */
export function writeDevUpstreams(dataDir: string, upstreams: Record<string, string>): void {
  writeFileSync(join(dataDir, UPSTREAMS_FILE), JSON.stringify(upstreams, null, 2) + "\n");
}

/** The upstream the server talks to, opened for reading its records; close() when done. */
export async function openUpstreamRecords(store: Store, env: NodeJS.ProcessEnv, opts: StoreOptions) {
  const { dataDir } = resolveDataPaths(opts.dataDir ? { dataDir: opts.dataDir } : {}, env);
  const keyFile = join(dataDir, "secret.key");
  const secretKey = env.VENDO_SECRET_KEY ?? (existsSync(keyFile) ? readFileSync(keyFile, "utf8") : null);
  if (!secretKey) throw new CliError(`Cannot read the pool credentials: set VENDO_SECRET_KEY (or run where ${keyFile} is).`);
  const devFile = join(dataDir, UPSTREAMS_FILE);
  const upstreams = { ...(existsSync(devFile) ? (JSON.parse(readFileSync(devFile, "utf8")) as Record<string, string>) : {}), ...upstreamOverridesFromEnv(env, catalog) };
  const [{ createSecretBox, decodeSecretKey }, { createCredentialPool }, { createUpstream }, { createUpstreamRecords }, { createUpstreamUrlResolver }] = await Promise.all([
    import("../security/secretBox.js"),
    import("../proxy/credentialPool.js"),
    import("../proxy/upstream.js"),
    import("../proxy/upstreamRecords.js"),
    import("../upstreamUrls.js"),
  ]);
  const pool = createCredentialPool(store, createSecretBox(decodeSecretKey(secretKey)));
  await pool.reload();
  const upstream = createUpstream(pool, { connectionsPerOrigin: 8, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 });
  const records = createUpstreamRecords({ upstream, pool, catalog, upstreamUrl: createUpstreamUrlResolver(upstreams, catalog) });
  return { records, close: () => upstream.destroy() };
}
