// Seeds a store with a consistent history of calls, written straight into the tables (the proxy
// would take hours to make a million calls): per call a call record, its posted hold and its two
// journal legs (upstream cost → payable, markup → revenue), the daily usage rollup, and per tenant a
// top-up, its balance, its keys with their counters, and the operator accounts. The books agree
// (`vendo audit` holds) and the rollup equals the calls, as the live system keeps them.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { FUNDING_ACCOUNT, payableAccount, revenueAccount, tenantAccount } from "../../packages/server/src/ledger/accountIds.ts";
import type { Store } from "../../packages/server/src/store/db.ts";
import type { CallsTable, HoldsTable, LedgerEntriesTable } from "../../packages/server/src/store/schema.ts";
import { DAY_MS, upsertUsage } from "../../packages/server/src/store/usageDaily.ts";

export interface HistoryOptions {
  tenants: number;
  /** Calls in all; `bigShare` of them go to the first tenant, the rest spread over the others. */
  calls: number;
  bigShare: number;
  /** Spread over this many UTC days, ending today. */
  days: number;
  keysPerTenant: number;
  /** Pool credential ids the calls were served with (payable accounts). */
  credentials: string[];
  /** Tenant ids to use (created when absent); default generated. */
  tenantIds?: string[];
  markupBps?: bigint;
  seed?: number;
  now?: number;
  /** Reconciliation runs every this many ms per credential over the history (0: none). */
  reconcileEveryMs?: number;
  /** Reports progress. */
  log?: (line: string) => void;
}

export interface SeededHistory {
  tenantIds: string[];
  keyIds: Map<string, string[]>;
  requestIds: { big: string[]; small: string[] };
}

export const MODELS = [
  "openai/gpt-4o-mini",
  "openai/gpt-4o",
  "anthropic/claude-3.5-haiku",
  "anthropic/claude-sonnet-4",
  "google/gemini-2.0-flash-001",
  "meta-llama/llama-3.3-70b-instruct",
  "deepseek/deepseek-chat",
  "mistralai/mistral-small-3.1-24b-instruct",
  "qwen/qwen3-8b",
  "perplexity/sonar",
];

/** A small deterministic PRNG (mulberry32): the same seed, the same history. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHUNK = 20_000;

export async function seedHistory(store: Store, o: HistoryOptions): Promise<SeededHistory> {
  const log = o.log ?? (() => undefined);
  const rand = random(o.seed ?? 42);
  const now = o.now ?? Date.now();
  const markupBps = o.markupBps ?? 1000n;
  const firstDay = Math.floor(now / DAY_MS) - (o.days - 1);
  const insert = bulkInserter(store);
  const { db } = store;

  const tenantIds = o.tenantIds ?? Array.from({ length: o.tenants }, (_, i) => `ten_hist${String(i).padStart(6, "0")}`);
  const keyIds = new Map<string, string[]>();
  const charged = new Map<string, bigint>();
  const keyUsage = new Map<string, bigint>();
  for (const [t, tenantId] of tenantIds.entries()) {
    if (!o.tenantIds) await db.insertInto("tenants").values({ id: tenantId, name: t === 0 ? "Big tenant" : `Tenant ${t}`, status: "active", created_at: BigInt(now - o.days * DAY_MS) }).execute();
    const keys = Array.from({ length: o.keysPerTenant }, (_, k) => `${tenantId.replace("ten_", "key_")}_${k}`);
    keyIds.set(tenantId, keys);
    for (const [k, id] of keys.entries()) {
      await db
        .insertInto("api_keys")
        .values({
          id, tenant_id: tenantId, integration: "openrouter", deployment_id: null, name: ["production", "staging", "batch jobs", "mobile", "internal"][k % 5] + (k >= 5 ? ` ${k}` : ""),
          key_hash: createHash("sha256").update(id).digest("hex"), prefix: `vendo_sk_${id.slice(-4)}`, limit_amount: null,
          limit_reset: "none", rpm: null, models: null, allowed_origins: null, expires_at: null, disabled_at: null, deleted_at: null,
          fit_to_balance: 0n, created_at: BigInt(now - o.days * DAY_MS), updated_at: BigInt(now - o.days * DAY_MS),
        })
        .execute();
    }
  }

  const requestIds = { big: [] as string[], small: [] as string[] };
  const payable = new Map<string, bigint>();
  let revenue = 0n;
  let written = 0;
  while (written < o.calls) {
    const size = Math.min(CHUNK, o.calls - written);
    const calls: CallsTable[] = [];
    const holds: HoldsTable[] = [];
    const legs: Array<Omit<LedgerEntriesTable, "id">> = [];
    for (let i = 0; i < size; i++) {
      const n = written + i;
      const big = tenantIds.length === 1 || rand() < o.bigShare;
      const tenantId = big ? (tenantIds[0] as string) : (tenantIds[1 + Math.floor(rand() * (tenantIds.length - 1))] as string);
      const keys = keyIds.get(tenantId) as string[];
      const keyId = keys[Math.floor(rand() * rand() * keys.length)] as string; // the first keys busier
      const model = MODELS[Math.floor(rand() * rand() * MODELS.length)] as string;
      const createdAt = (firstDay + Math.floor(rand() * o.days)) * DAY_MS + Math.floor(rand() * DAY_MS);
      const at = Math.min(createdAt, now - 1000);
      const roll = rand();
      const status = roll < 0.97 ? "ok" : roll < 0.99 ? "upstream_error" : "client_aborted";
      const prompt = 50n + BigInt(Math.floor(rand() * 2000));
      const completion = status === "upstream_error" ? 0n : 10n + BigInt(Math.floor(rand() * 800));
      const upstreamCost = status === "upstream_error" ? 0n : prompt * 150n + completion * 600n; // nano-USD
      const charge = upstreamCost + (upstreamCost * markupBps + 5000n) / 10_000n;
      const credential = o.credentials[n % o.credentials.length] as string;
      const requestId = `req_h${n.toString(36).padStart(7, "0")}`;
      if (n % 997 === 0) (big ? requestIds.big : requestIds.small).push(requestId);
      calls.push({
        request_id: requestId, tenant_id: tenantId, key_id: keyId, deployment_id: null, integration: "openrouter", path: "/v1/chat/completions", model,
        generation_id: status === "upstream_error" ? null : `gen-h${n}`, prompt_tokens: prompt, completion_tokens: completion, upstream_cost: upstreamCost,
        charge, estimated: 0n, streamed: n % 2 === 0 ? 1n : 0n, status, http_status: status === "upstream_error" ? 503n : 200n,
        latency_ms: BigInt(200 + Math.floor(rand() * 3000)), created_at: BigInt(at),
      });
      holds.push({
        request_id: requestId, tenant_id: tenantId, key_id: keyId, amount: charge * 2n + 1000n, status: charge > 0n ? "posted" : "voided", instance_id: "ins_history",
        epoch: 0n, integration: "openrouter", model, generation_id: status === "upstream_error" ? null : `gen-h${n}`, credential_id: credential,
        created_at: BigInt(at), expires_at: BigInt(at + 600_000), ended_at: BigInt(at + 1000), late: 0n, charge, upstream_cost: upstreamCost,
      });
      if (charge > 0n) {
        const base = { tenant_id: tenantId, request_id: requestId, idempotency_key: null, memo: null, created_at: BigInt(at + 1000) };
        legs.push({ ...base, kind: "charge", debit_account: tenantAccount(tenantId), credit_account: payableAccount(credential), amount: upstreamCost });
        legs.push({ ...base, kind: "markup", debit_account: tenantAccount(tenantId), credit_account: revenueAccount("openrouter"), amount: charge - upstreamCost });
        charged.set(tenantId, (charged.get(tenantId) ?? 0n) + charge);
        keyUsage.set(keyId, (keyUsage.get(keyId) ?? 0n) + charge);
        payable.set(credential, (payable.get(credential) ?? 0n) + upstreamCost);
        revenue += charge - upstreamCost;
      }
    }
    await insert("calls", calls);
    await insert("holds", holds);
    await insert("ledger_entries", legs);
    await insertUsage(store, calls);
    written += size;
    if (written % 200_000 === 0 || written === o.calls) log(`  ${written.toLocaleString("en-US")} calls`);
  }

  // Per tenant: a top-up that covers its history, and its balance; per key its counters.
  let funding = 0n;
  for (const tenantId of tenantIds) {
    const spent = charged.get(tenantId) ?? 0n;
    const credit = ((spent / 1_000_000_000n) + 100n) * 1_000_000_000n;
    funding += credit;
    await db
      .insertInto("ledger_entries")
      .values({ kind: "topup", debit_account: FUNDING_ACCOUNT, credit_account: tenantAccount(tenantId), amount: credit, tenant_id: tenantId, request_id: null, idempotency_key: `history-${tenantId}`, memo: "history", created_at: BigInt(now - o.days * DAY_MS) })
      .execute();
    if (o.tenantIds) {
      await db.updateTable("balances").set((eb) => ({ balance: eb("balance", "+", credit - spent), credited: eb("credited", "+", credit), debited: eb("debited", "+", spent) })).where("tenant_id", "=", tenantId).execute();
    } else {
      await db.insertInto("balances").values({ tenant_id: tenantId, balance: credit - spent, held: 0n, credited: credit, debited: spent, updated_at: BigInt(now) }).execute();
    }
    for (const keyId of keyIds.get(tenantId) ?? []) {
      const usage = keyUsage.get(keyId) ?? 0n;
      await db
        .insertInto("key_counters")
        .values({ key_id: keyId, usage, held: 0n, period_usage: 0n, period_start: BigInt(now), day_usage: 0n, day_start: BigInt(now), week_usage: 0n, week_start: BigInt(now), month_usage: 0n, month_start: BigInt(now) })
        .execute();
    }
  }
  const bump = async (id: string, debits: bigint, credits: bigint) => {
    const done = await db.updateTable("accounts").set((eb) => ({ debits: eb("debits", "+", debits), credits: eb("credits", "+", credits) })).where("id", "=", id).executeTakeFirst();
    if (done.numUpdatedRows === 0n) await db.insertInto("accounts").values({ id, debits, credits, updated_at: BigInt(now) }).execute();
  };
  await bump(FUNDING_ACCOUNT, funding, 0n);
  await bump(revenueAccount("openrouter"), 0n, revenue);
  for (const [credential, amount] of payable) await bump(payableAccount(credential), 0n, amount);

  if (o.reconcileEveryMs) {
    for (const credential of o.credentials) {
      const runs = [];
      const step = payable.get(credential) ?? 0n;
      const count = Math.floor((o.days * DAY_MS) / o.reconcileEveryMs);
      for (let r = 0; r < count; r++) {
        const booked = (step * BigInt(r + 1)) / BigInt(count);
        runs.push({ credential_id: credential, integration: "openrouter", at: BigInt(now - o.days * DAY_MS + r * o.reconcileEveryMs), upstream_usage: booked, booked, drift: 0n, booked_unexplained: 0n, outcome: "agreed" });
      }
      for (let i = 0; i < runs.length; i += 2000) await db.insertInto("reconciliations").values(runs.slice(i, i + 2000)).execute();
    }
  }
  await sql`analyze`.execute(db); // fresh statistics, as a store that grew over months has
  return { tenantIds, keyIds, requestIds };
}

async function insertUsage(store: Store, calls: CallsTable[]): Promise<void> {
  for (let i = 0; i < calls.length; i += 2000) await upsertUsage(store.db, calls.slice(i, i + 2000));
}

/** Many rows into one table fast: prepared statements in one transaction (SQLite), unnest (PostgreSQL). */
function bulkInserter(store: Store): <Row extends object>(table: string, rows: Row[]) => Promise<void> {
  if (store.sqlite) {
    const database = store.sqlite;
    return async (table, rows) => {
      if (rows.length === 0) return;
      const columns = Object.keys(rows[0] as object);
      const statement = database.prepare(`insert into ${table} (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")})`);
      database.transaction(() => {
        for (const row of rows) statement.run(columns.map((c) => (row as Record<string, unknown>)[c]));
      })();
    };
  }
  return async (table, rows) => {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0] as object);
    const types = columns.map((c) => (typeof (rows[0] as Record<string, unknown>)[c] === "bigint" ? "bigint" : "text"));
    const arrays = columns.map((c) => rows.map((r) => {
      const v = (r as Record<string, unknown>)[c];
      return typeof v === "bigint" ? v.toString() : v;
    }));
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays.map((a, i) => sql`${a}::${sql.raw(types[i] as string)}[]`))})`.execute(store.db);
  };
}
