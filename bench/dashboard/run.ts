// `npm run bench:dashboard`: the dashboard's view data with a long history. Seeds a store with
// --calls call records (default 1,000,000; half of them one tenant's) over 90 days, with their holds,
// journal legs and rollup, starts a Vendo on it, signs in as the operator and as the big tenant
// (session cookies, as the page does) and times each view's request sequentially: p50, p95, max.
//   npm run bench:dashboard -- [--store sqlite|postgres] [--calls N] [--samples N]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { startServer } from "../../packages/server/src/app.ts";
import { createSecretBox, decodeSecretKey } from "../../packages/server/src/security/secretBox.ts";
import { openStore, type StoreConfig } from "../../packages/server/src/store/db.ts";
import { seedHistory } from "./seedHistory.ts";

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
};
const storeKind = arg("store", "sqlite") as "sqlite" | "postgres";
const totalCalls = Number(arg("calls", "1000000"));
const samples = Number(arg("samples", "100"));
const SECRET = "c".repeat(64);
const ADMIN = "bench-admin-token";
const CREDENTIALS = ["pc_bench_one", "pc_bench_two"];

const dir = mkdtempSync(join(tmpdir(), "vendo-dash-bench-"));
let storeConfig: StoreConfig;
let dropSchema = async () => undefined as void;
if (storeKind === "postgres") {
  const url = process.env.VENDO_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `vendo_dash_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  storeConfig = { databaseUrl: url, pgSchema: schema };
  dropSchema = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  };
} else {
  storeConfig = { sqlitePath: join(dir, "vendo.db") };
}

try {
  console.log(`seeding ${totalCalls.toLocaleString("en-US")} calls on ${storeKind}…`);
  const seedStarted = performance.now();
  const store = await openStore(storeConfig);
  const box = createSecretBox(decodeSecretKey(SECRET));
  for (const id of CREDENTIALS) {
    await store.db.insertInto("pool_credentials").values({ id, integration: "openrouter", label: id, secret_enc: box.seal(`sk-or-${id}`), last4: id.slice(-4), created_at: 0n, disabled_at: null, baseline_usage: 0n }).execute();
  }
  const history = await seedHistory(store, {
    tenants: 100, calls: totalCalls, bigShare: 0.5, days: 90, keysPerTenant: 5, credentials: CREDENTIALS, reconcileEveryMs: 5 * 60_000,
    log: (line) => console.log(line),
  });
  await store.close();
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  console.log(`seeded in ${seedSeconds.toFixed(0)} s`);

  const server = await startServer({ port: 0, ...storeConfig, dataDir: dir, adminToken: ADMIN, secretKey: SECRET, upstreams: { openrouter: "http://127.0.0.1:9/api" }, logLevel: "error" });
  try {
    const big = history.tenantIds[0] as string;
    const small = history.tenantIds[7] as string;
    const mk = await (await fetch(`${server.url}/api/v1/tenants/${big}/management-keys`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" }, body: "{}" })).json() as { key: string };
    const session = async (token: string) => {
      const res = await fetch(`${server.url}/dashboard/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
      return (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
    };
    const operator = await session(ADMIN);
    const tenant = await session(mk.key);
    const get = async (cookie: string, path: string) => {
      const res = await fetch(server.url + path, { headers: { cookie } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`);
      return JSON.parse(text) as { next_cursor?: string };
    };
    const t = `/api/v1/tenants/${big}`;
    const cursor = (await get(tenant, `${t}/calls?limit=50`)).next_cursor as string;
    const views: Array<[string, string, string]> = [
      ["tenant: balance", tenant, `${t}/balance`],
      ["tenant: spend, 30 days by model and key", tenant, `${t}/spend?days=30`],
      ["tenant: spend, 90 days", tenant, `${t}/spend?days=90`],
      ["tenant: keys with usage", tenant, `/api/v1/keys?tenant_id=${big}`],
      ["tenant: recent calls", tenant, `${t}/calls?limit=50`],
      ["tenant: recent calls, page 2", tenant, `${t}/calls?limit=50&cursor=${encodeURIComponent(cursor)}`],
      ["tenant: calls of one model", tenant, `${t}/calls?limit=50&model=perplexity%2Fsonar`],
      ["tenant: calls of one key", tenant, `${t}/calls?limit=50&key_id=${history.keyIds.get(big)?.[4]}`],
      ["tenant: calls not ok", tenant, `${t}/calls?limit=50&status=not_ok`],
      ["tenant: calls client_aborted", tenant, `${t}/calls?limit=50&status=client_aborted`],
      ["tenant: call detail", tenant, `${t}/calls/${history.requestIds.big[Math.floor(history.requestIds.big.length / 2)]}`],
      ["tenant: credit history", tenant, `${t}/credit-history?limit=100`],
      ["tenant: deployments", tenant, `/api/v1/deployments?tenant_id=${big}`],
      ["small tenant: spend 30 days (operator)", operator, `/api/v1/tenants/${small}/spend?days=30`],
      ["small tenant: recent calls (operator)", operator, `/api/v1/tenants/${small}/calls?limit=50`],
      ["operator: tenants with spend, 30 days", operator, "/api/v1/operator/tenants?days=30"],
      ["operator: margin, 30 days", operator, "/api/v1/operator/margin?days=30"],
      ["operator: margin, 90 days", operator, "/api/v1/operator/margin?days=90"],
      ["operator: pool health and drift", operator, "/api/v1/operator/pool?days=30"],
      ["operator: open holds", operator, "/api/v1/operator/holds?limit=100"],
      ["operator: instances", operator, "/api/v1/operator/instances"],
    ];
    const rows: string[] = [];
    for (const [name, cookie, path] of views) {
      for (let i = 0; i < 5; i++) await get(cookie, path);
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        const started = performance.now();
        await get(cookie, path);
        times.push(performance.now() - started);
      }
      times.sort((x, y) => x - y);
      const pick = (q: number) => (times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? 0).toFixed(1);
      const line = `| ${name} | ${pick(0.5)} | ${pick(0.95)} | ${(times.at(-1) ?? 0).toFixed(1)} |`;
      rows.push(line);
      console.log(line);
    }
    const report = [
      `# Dashboard view latency with ${totalCalls.toLocaleString("en-US")} calls (${storeKind})`,
      "",
      `${new Date().toISOString()}, Node ${process.version}, 2-core shared VM. ${history.tenantIds.length} tenants (half the calls one tenant's), 90 days,`,
      `5 keys per tenant, 10 models; each call with its hold and journal legs. ${samples} sequential requests per view over loopback with a`,
      `session cookie, after 5 warm-up requests; milliseconds for the whole request (HTTP, auth, query, JSON). Seeding took ${seedSeconds.toFixed(0)} s.`,
      "",
      "| view | p50 ms | p95 ms | max ms |",
      "|---|---:|---:|---:|",
      ...rows,
      "",
    ].join("\n");
    writeFileSync(new URL(`../results/dashboard-${storeKind}-latest.md`, import.meta.url), report);
    console.log(`\nwritten to bench/results/dashboard-${storeKind}-latest.md`);
  } finally {
    await server.close();
  }
} finally {
  await dropSchema();
  rmSync(dir, { recursive: true, force: true });
}
