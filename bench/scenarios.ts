// Starting each scenario's server in its own child process and describing it as a Target.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { benchDir, freePort, repoRoot, spawnNodeProgram, spawnTsChild, type ChildServer } from "./child.ts";
import { createPgSchema, seedCalls, seedVendo, type SeededCalls } from "./seed.ts";
import { chatRequest, type ScenarioName, type Target } from "./target.ts";

export const TENANT_PATH = "/proxy/openrouter/v1/chat/completions";

export interface BenchEnv {
  tmpDir: string;
  logDir: string;
  sandbox: ChildServer;
}

export interface Running {
  target: Target;
  /** Tenant keys (vendo scenarios). */
  keys: string[];
  /** Call records seeded into its store before it started (VendoStart.calls). */
  calls?: SeededCalls;
  stop(): Promise<void>;
}

export async function startSandboxChild(logDir: string): Promise<ChildServer> {
  return spawnTsChild("sandbox", { keys: [] }, { name: "sandbox", logDir });
}

/** A sandbox key of its own for one scenario's server. */
async function upstreamKeyFor(env: BenchEnv, label: string): Promise<string> {
  const key = `sk-or-v1-bench-${label}-${randomBytes(6).toString("hex")}`;
  await env.sandbox.rpc("addKey", key);
  return key;
}

/** Sets (or clears, with null) the sandbox fault applied to every generation of a target. */
export function setFault(env: BenchEnv, target: Target, fault: string | null): Promise<void> {
  return env.sandbox.rpc("setKeyFault", { key: target.upstreamKey, fault });
}

/** One plain chat completion must answer 200 before a scenario is measured. */
async function probe(target: Target): Promise<void> {
  const { path, headers, body } = chatRequest(target);
  const res = await request(target.origin + path, { method: "POST", headers, body });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${target.name}: a chat completion answered HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
}

async function finish(target: Target, keys: string[], stop: () => Promise<void>, calls?: SeededCalls): Promise<Running> {
  try {
    await probe(target);
  } catch (err) {
    await stop();
    throw err;
  }
  return { target, keys, stop, ...(calls ? { calls } : {}) };
}

export async function startDirect(env: BenchEnv): Promise<Running> {
  const upstreamKey = await upstreamKeyFor(env, "direct");
  return finish(
    { name: "direct", origin: env.sandbox.url, path: "/api/v1/chat/completions", headers: { authorization: `Bearer ${upstreamKey}` }, keyHeader: null, server: env.sandbox, upstreamKey },
    [],
    async () => undefined,
  );
}

export async function startPassthroughChild(env: BenchEnv, label = "passthrough"): Promise<Running> {
  const upstreamKey = await upstreamKeyFor(env, label);
  const server = await spawnTsChild("passthrough", { upstream: env.sandbox.url, upstreamKey }, { name: label, logDir: env.logDir });
  // The client sends a tenant-looking key as it does to Vendo; the pass-through replaces it.
  const fake = `vendo_sk_${"x".repeat(40)}`;
  return finish(
    { name: "passthrough", origin: server.url, path: TENANT_PATH, headers: { authorization: `Bearer ${fake}` }, keyHeader: "authorization", server, upstreamKey },
    [],
    () => server.stop(),
  );
}

export interface VendoStart {
  name: ScenarioName;
  store: "sqlite" | "postgres";
  databaseUrl?: string;
  /** Tenant keys to seed (default 1). */
  keys?: number;
  /** Label of the child's log file and sandbox key (default: name). */
  label?: string;
  /** Write a CPU profile into this folder (node --cpu-prof). */
  cpuProfDir?: string;
  /** Call records to seed for the first key before the server starts (SQLite only). */
  calls?: number;
}

type BenchStore = { sqlitePath: string } | { databaseUrl: string; pgSchema: string };

/** A store of its own for one server or figure: a SQLite file in dataDir, or a fresh PostgreSQL schema. */
async function freshStore(
  dataDir: string,
  kind: "sqlite" | "postgres",
  databaseUrl: string | undefined,
  missingUrl: string,
): Promise<{ store: BenchStore; drop: (() => Promise<void>) | null }> {
  if (kind === "sqlite") return { store: { sqlitePath: join(dataDir, "vendo.db") }, drop: null };
  if (!databaseUrl) throw new Error(missingUrl);
  const pg = await createPgSchema(databaseUrl);
  return { store: { databaseUrl, pgSchema: pg.schema }, drop: pg.drop };
}

export async function startVendoChild(env: BenchEnv, opts: VendoStart): Promise<Running> {
  const label = opts.label ?? opts.name;
  const upstreamKey = await upstreamKeyFor(env, label);
  const dataDir = mkdtempSync(join(env.tmpDir, `${label}-`));
  const secretKey = randomBytes(32).toString("hex");
  const { store, drop: dropSchema } = await freshStore(dataDir, opts.store, opts.databaseUrl, "vendo-postgres needs a database URL");
  const cleanup = async () => {
    if (dropSchema) await dropSchema().catch((err: unknown) => console.error(`could not drop the bench schema: ${String(err)}`));
    rmSync(dataDir, { recursive: true, force: true });
  };
  let server: ChildServer;
  let seeded: { keys: string[] };
  let calls: SeededCalls | undefined;
  try {
    const s = await seedVendo({ store, secretKey, upstreamKey, keys: opts.keys ?? 1 });
    seeded = s;
    if (opts.calls !== undefined) calls = await seedCalls(store, { tenantId: s.tenantId, keyId: s.keyIds[0] as string, count: opts.calls });
    server = await spawnTsChild(
      "vendo",
      { dataDir, secretKey, upstream: env.sandbox.url, ...store },
      { name: label, logDir: env.logDir, nodeFlags: opts.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProfDir}`] : [] },
    );
  } catch (err) {
    await cleanup();
    throw err;
  }
  return finish(
    { name: opts.name, origin: server.url, path: TENANT_PATH, headers: { authorization: `Bearer ${seeded.keys[0]}` }, keyHeader: "authorization", server, upstreamKey },
    seeded.keys,
    async () => {
      await server.stop();
      await cleanup();
    },
    calls,
  );
}

export interface VendoPair {
  /** The two instances: targets `vendo-postgres#a` and `vendo-postgres#b`. */
  instances: [Running, Running];
  /** The tenant's keys, shared by both instances. */
  keys: string[];
  /** The sandbox key of the store's one pool credential. */
  upstreamKey: string;
  /** The PostgreSQL schema both instances use. */
  pgSchema: string;
  stop(): Promise<void>;
}

/**
 * Two Vendo servers on one fresh PostgreSQL schema: one tenant with `keys` keys and one pool
 * credential, served by both (the horizontally scaled deployment: every instance admits against
 * the same balance).
 */
export async function startVendoPair(env: BenchEnv, opts: { databaseUrl: string; keys: number; label: string }): Promise<VendoPair> {
  const upstreamKey = await upstreamKeyFor(env, opts.label);
  const secretKey = randomBytes(32).toString("hex");
  const pg = await createPgSchema(opts.databaseUrl);
  const store = { databaseUrl: opts.databaseUrl, pgSchema: pg.schema };
  const started: Running[] = [];
  const dirs: string[] = [];
  const stop = async () => {
    for (const r of started) await r.stop().catch(() => undefined);
    await pg.drop().catch((err: unknown) => console.error(`could not drop the bench schema: ${String(err)}`));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    const seeded = await seedVendo({ store, secretKey, upstreamKey, keys: opts.keys });
    for (const suffix of ["a", "b"] as const) {
      const dataDir = mkdtempSync(join(env.tmpDir, `${opts.label}-${suffix}-`));
      dirs.push(dataDir);
      const server = await spawnTsChild("vendo", { dataDir, secretKey, upstream: env.sandbox.url, ...store }, { name: `${opts.label}-${suffix}`, logDir: env.logDir });
      const target: Target = {
        name: `vendo-postgres#${suffix}`,
        origin: server.url,
        path: TENANT_PATH,
        headers: { authorization: `Bearer ${seeded.keys[0]}` },
        keyHeader: "authorization",
        server,
        upstreamKey,
      };
      started.push(await finish(target, seeded.keys, () => server.stop()));
    }
    return { instances: [started[0] as Running, started[1] as Running], keys: seeded.keys, upstreamKey, pgSchema: pg.schema, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function startPortkeyChild(env: BenchEnv): Promise<Running> {
  const upstreamKey = await upstreamKeyFor(env, "portkey");
  const port = await freePort();
  const entry = join(repoRoot, "node_modules/@portkey-ai/gateway/build/start-server.js");
  const server = await spawnNodeProgram(
    ["--import", join(benchDir, "servers/portkey-listen.mjs"), "--import", join(benchDir, "servers/portkey-fetch.mjs"), entry, `--port=${port}`, "--headless"],
    port,
    { name: "portkey", logDir: env.logDir, env: { NODE_ENV: "production" } },
  );
  return finish(
    {
      name: "portkey",
      origin: server.url,
      path: "/v1/chat/completions",
      // Portkey forwards the bearer to the custom host: the upstream key travels with each request.
      headers: { authorization: `Bearer ${upstreamKey}`, "x-portkey-provider": "openai", "x-portkey-custom-host": `${env.sandbox.url}/api/v1` },
      keyHeader: null,
      server,
      upstreamKey,
      note: "@portkey-ai/gateway 1.15.2 (`build/start-server.js --headless`, NODE_ENV=production), bound to 127.0.0.1 by a `net.Server#listen` preload, and run with the fetch-headers preload (`bench/servers/portkey-fetch.mjs`) without which its streaming path answers 500 `TypeError: immutable`",
    },
    [],
    () => server.stop(),
  );
}

export function newTmpDir(root: string): string {
  return mkdtempSync(join(root, "vendo-bench-"));
}

export interface LedgerRun {
  settled: number;
  refused: number;
  seconds: number;
  perSecond: number;
}

/** The ledger module alone in a child process on a fresh store: admit → settle loops for a while. */
export async function runLedgerModule(
  env: BenchEnv,
  opts: { store: "sqlite" | "postgres"; databaseUrl?: string; durationS: number; concurrency: number },
): Promise<LedgerRun> {
  const dataDir = mkdtempSync(join(env.tmpDir, `ledger-${opts.store}-`));
  const { store, drop } = await freshStore(dataDir, opts.store, opts.databaseUrl, "the PostgreSQL ledger figure needs a database URL");
  let child: ChildServer | null = null;
  try {
    const seeded = await seedVendo({ store, secretKey: randomBytes(32).toString("hex"), upstreamKey: "unused", keys: 1 });
    child = await spawnTsChild("ledger", { store, tenantId: seeded.tenantId, keyId: seeded.keyIds[0] }, { name: `ledger-${opts.store}`, logDir: env.logDir });
    return await child.rpc<LedgerRun>("run", { durationS: opts.durationS, concurrency: opts.concurrency });
  } finally {
    await child?.stop();
    await drop?.().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
