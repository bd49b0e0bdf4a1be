// Account endpoints with a million call records stored (issue 11, "Bench v2").
import { failures, find, type RunContext } from "../context.ts";
import { sequentialGets } from "../measure/gets.ts";
import { TENANT_PATH, type Running } from "../scenarios.ts";
import { percentile } from "../stats.ts";

/** The account endpoints' base path on a Vendo server (…/v1). */
const ACCOUNT_BASE = TENANT_PATH.slice(0, TENANT_PATH.lastIndexOf("/chat/completions"));
const ACCOUNT_ENDPOINTS = ["key", "credits", "generation"] as const;

/**
 * GET /v1/key, /v1/credits and /v1/generation?id= at c=1 on vendo-sqlite stores holding each
 * count of call records: their cost must not grow with the history stored.
 */
export async function accountsFigures(ctx: RunContext): Promise<void> {
  if (!find(ctx, "vendo-sqlite")) return;
  const p = ctx.plan.accounts;
  const stores: Running[] = [];
  for (const count of p.calls) stores.push(await ctx.withCalls(count));
  for (const s of stores) if (s.calls) ctx.values.set(`acct.${s.calls.count}.seedS`, s.calls.seconds);
  for (const endpoint of ACCOUNT_ENDPOINTS) {
    const gets = stores.map((s) => ({
      label: String(s.calls?.count),
      origin: s.target.origin,
      path: endpoint === "generation" ? `${ACCOUNT_BASE}/generation?id=${encodeURIComponent(s.calls?.generationId ?? "")}` : `${ACCOUNT_BASE}/${endpoint}`,
      headers: { authorization: s.target.headers.authorization as string },
    }));
    const res = await sequentialGets(gets, { samples: p.samples, warmup: p.warmup, block: Math.max(5, Math.ceil(p.samples / 10)) });
    for (const s of stores) {
      const count = s.calls?.count as number;
      const r = res.get(String(count));
      if (!r) continue;
      failures(ctx, `GET /v1/${endpoint} with ${count.toLocaleString("en-US")} calls stored`, "vendo-sqlite", r.failures, r.lastError);
      if (r.samples.length === 0) continue;
      ctx.values.set(`acct.${count}.${endpoint}.p50`, percentile(r.samples, 50));
      ctx.values.set(`acct.${count}.${endpoint}.p99`, percentile(r.samples, 99));
      checkAccountAnswer(ctx, endpoint, s, r.firstBody);
    }
    const small = ctx.values.get(`acct.${p.calls[0]}.${endpoint}.p50`);
    const large = ctx.values.get(`acct.${p.calls[p.calls.length - 1]}.${endpoint}.p50`);
    if (small !== undefined && large !== undefined) ctx.values.set(`acct.ratio.${endpoint}`, large / small);
    ctx.log(`  GET /v1/${endpoint}: ${p.calls.map((c) => `${c.toLocaleString("en-US")} calls p50 ${(ctx.values.get(`acct.${c}.${endpoint}.p50`) ?? NaN).toFixed(0)} µs`).join(", ")}`);
  }
}

/** The figure times the right thing only if the answer reads the seeded store: check it does. */
function checkAccountAnswer(ctx: RunContext, endpoint: (typeof ACCOUNT_ENDPOINTS)[number], s: Running, body: string | undefined): void {
  if (!s.calls || body === undefined) return;
  const data = (JSON.parse(body) as { data?: { usage?: number; id?: string } }).data;
  const count = s.calls.count.toLocaleString("en-US");
  // The key's usage is the seeded calls' plus the start-up probe's (a few micro-USD).
  if (endpoint === "key" && !(typeof data?.usage === "number" && Math.abs(data.usage - Number(s.calls.usage) / 1e9) < 0.01)) {
    ctx.notes.add(`accounts: GET /v1/key with ${count} calls stored answered usage ${String(data?.usage)}, not the seeded ${Number(s.calls.usage) / 1e9} USD`);
  }
  if (endpoint === "generation" && data?.id !== s.calls.generationId) {
    ctx.notes.add(`accounts: GET /v1/generation with ${count} calls stored answered id ${String(data?.id)}, not the seeded ${s.calls.generationId}`);
  }
}
