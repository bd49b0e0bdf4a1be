// The dashboard's view endpoints over real HTTP on both stores, called with session cookies as the
// page calls them: each figure against what the store says when asked directly, paging and filters,
// and tenant isolation on every one of them (a new endpoint without an isolation case fails).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import pino from "pino";
import { dashboardEndpoints } from "../../src/dashboard/contract.js";
import { createCallRecorder } from "../../src/ledger/callRecords.js";
import { decimalToNanos, formatUsd } from "../../src/ledger/money.js";
import { driftByDay } from "../../src/ledger/reconciliation.js";
import { newId } from "../../src/security/apiKeys.js";
import type { CallsTable } from "../../src/store/schema.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "../support/world.js";
import type { Harness, Res } from "../control/support/controlHarness.js";
import { signIn, withCookie, type Session } from "./support/sessionClient.js";

const DAY = 86_400_000;
const nanos = (usd: string): bigint => {
  const n = decimalToNanos(usd);
  assert.ok(n !== null, `not an amount: ${usd}`);
  return n;
};
type EndpointName = keyof typeof dashboardEndpoints;

/** What tenant A tries against tenant B with its session, and the refusal expected. */
const isolation: Record<EndpointName, { path(w: Ids): string; method?: string; expect: 403 | 404 }> = {
  getTenantSpend: { path: (w) => `/api/v1/tenants/${w.b}/spend`, expect: 404 },
  listCalls: { path: (w) => `/api/v1/tenants/${w.b}/calls`, expect: 404 },
  getCall: { path: (w) => `/api/v1/tenants/${w.a}/calls/${w.bCall}`, expect: 404 },
  listCreditHistory: { path: (w) => `/api/v1/tenants/${w.b}/credit-history`, expect: 404 },
  createDashboardLink: { path: (w) => `/api/v1/tenants/${w.b}/dashboard-links`, method: "POST", expect: 403 },
  listTenantSpend: { path: () => "/api/v1/operator/tenants", expect: 403 },
  getMargin: { path: () => "/api/v1/operator/margin", expect: 403 },
  getPoolHealth: { path: () => "/api/v1/operator/pool", expect: 403 },
  listOpenHolds: { path: () => "/api/v1/operator/holds", expect: 403 },
  listInstances: { path: () => "/api/v1/operator/instances", expect: 403 },
};

interface Ids {
  a: string;
  b: string;
  bCall: string;
}

function call(fields: Partial<CallsTable> & Pick<CallsTable, "tenant_id" | "key_id" | "created_at">): CallsTable {
  return {
    request_id: newId("req"), deployment_id: null, integration: "openrouter", path: "/v1/chat/completions", model: "m/one", generation_id: null,
    prompt_tokens: 10n, completion_tokens: 5n, upstream_cost: 100n, charge: 110n, estimated: 0n, streamed: 0n, status: "ok", http_status: 200n, latency_ms: 9n,
    ...fields,
  };
}

it("has an isolation case for every dashboard endpoint", () => {
  assert.deepEqual(Object.keys(isolation).sort(), Object.keys(dashboardEndpoints).sort());
});

for (const { kind, skip } of storeKinds) {
  describe(`dashboard views on ${kind}`, { skip }, () => {
    let world: World;
    let h: Harness;
    let ids: Ids;
    let aSession: Session;
    let operator: Session;
    let aKeys: string[];
    const get = (session: Session, path: string): Promise<Res> => withCookie(h, "GET", path, { session });

    before(async () => {
      world = await startWorld(kind, { markupBps: 1000n });
      h = { url: world.server.url, server: world.server } as unknown as Harness;
      const admin = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
        fetch(world.server.url + path, {
          method,
          headers: { authorization: `Bearer ${WORLD_ADMIN_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }).then((r) => r.json() as Promise<Record<string, string>>);
      const a = (await admin("POST", "/api/v1/tenants", { name: "A" })) as { id: string };
      const b = (await admin("POST", "/api/v1/tenants", { name: "B" })) as { id: string };
      const mk = await admin("POST", `/api/v1/tenants/${a.id}/management-keys`, {});
      for (const [i, amount] of ["5", "2.5"].entries()) await admin("POST", `/api/v1/tenants/${a.id}/credits`, { amount, memo: `credit ${i}` }, { "idempotency-key": `a-${i}` });
      await admin("POST", `/api/v1/tenants/${a.id}/adjustments`, { amount: "-0.25", memo: "correction" });
      await admin("POST", `/api/v1/tenants/${b.id}/credits`, { amount: "3" }, { "idempotency-key": "b-0" });
      aKeys = [];
      for (const name of ["one", "two"]) aKeys.push((await admin("POST", "/api/v1/keys", { tenant_id: a.id, name, integration: "openrouter" })).id as string);

      // History: A's calls over three days, written through the call recorder (so the rollups
      // follow), plus one real call each through the proxy today.
      const recorder = createCallRecorder(world.server.store, pino({ level: "silent" }));
      const today = Math.floor(Date.now() / DAY) * DAY;
      const statuses = ["ok", "ok", "ok", "upstream_error", "client_aborted"];
      for (let i = 0; i < 60; i++) {
        recorder.record(
          call({
            tenant_id: a.id, key_id: aKeys[i % 2] as string, model: i % 3 === 0 ? "m/two" : "m/one", status: statuses[i % 5] as string,
            created_at: BigInt(today - (i % 3) * DAY + 1000 + Math.floor(i / 3)), charge: BigInt(100 + i), upstream_cost: BigInt(90 + i),
          }),
        );
      }
      const bOld = call({ tenant_id: b.id, key_id: "key_b", created_at: BigInt(today + 5) });
      recorder.record(bOld);
      await recorder.close();
      const bKey = await admin("POST", "/api/v1/keys", { tenant_id: b.id, name: "b", integration: "openrouter" });
      const res = await fetch(`${world.proxyBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${bKey.key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
      });
      assert.equal(res.status, 200);
      await world.server.settled();

      ids = { a: a.id as string, b: b.id as string, bCall: bOld.request_id };
      aSession = await signIn(h, { token: mk.key as string });
      operator = await signIn(h, { token: WORLD_ADMIN_TOKEN });
    });
    after(() => world?.close());

    it("spend: per day, stacked by model and by key, equal to the calls and adding up to the total", async () => {
      const res = await get(aSession, `/api/v1/tenants/${ids.a}/spend?days=7`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const spend = dashboardEndpoints.getTenantSpend.response.parse(res.body);
      assert.equal(spend.days.length, 7);
      assert.equal(spend.days.at(-1), new Date().toISOString().slice(0, 10));
      const byDay = await sql<{ day: unknown; charge: unknown }>`
        select created_at / 86400000 as day, sum(charge) as charge from calls where tenant_id = ${ids.a} group by created_at / 86400000`.execute(world.server.store.db);
      const expected = new Map(byDay.rows.map((r) => [new Date(Number(r.day) * DAY).toISOString().slice(0, 10), formatUsd(BigInt(String(r.charge)))]));
      assert.deepEqual(spend.days.map((d, i) => [d, spend.daily[i]]).filter(([, v]) => v !== "0"), [...expected.entries()].sort());
      const total = [...expected.values()].reduce((s, v) => s + nanos(v), 0n);
      assert.equal(spend.total, formatUsd(total));
      assert.equal(spend.calls, 60);
      for (const series of [spend.by_model, spend.by_key]) {
        for (let i = 0; i < spend.days.length; i++) {
          const sum = series.reduce((s, x) => s + nanos(x.amounts[i] ?? "?"), 0n);
          assert.equal(formatUsd(sum), spend.daily[i], `stacks add up on ${spend.days[i]}`);
        }
      }
      assert.deepEqual(spend.by_model.map((m) => m.label).sort(), ["m/one", "m/two"]);
      assert.deepEqual(spend.by_key.map((k) => k.label).sort(), ["one", "two"], "keys by name");
      assert.equal((await get(aSession, `/api/v1/tenants/${ids.a}/spend?days=0`)).status, 400);
    });

    it("calls: pages newest first with each call once, and filters by model, key and status", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Res = await get(aSession, `/api/v1/tenants/${ids.a}/calls?limit=7${cursor ? `&cursor=${cursor}` : ""}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        seen.push(...res.body.data.map((c: { request_id: string }) => c.request_id));
        cursor = res.body.next_cursor;
      } while (cursor);
      const all = await world.server.store.db.selectFrom("calls").select("request_id").where("tenant_id", "=", ids.a).orderBy("created_at", "desc").orderBy("request_id", "desc").execute();
      assert.deepEqual(seen, all.map((c) => c.request_id), "every call once, newest first");

      const filtered = async (q: string) => (await get(aSession, `/api/v1/tenants/${ids.a}/calls?limit=200&${q}`)).body.data as Array<{ model: string; key_id: string; status: string }>;
      const two = await filtered("model=m%2Ftwo");
      assert.equal(two.length, 20);
      assert.ok(two.every((c) => c.model === "m/two"));
      assert.ok((await filtered(`key_id=${aKeys[1]}`)).every((c) => c.key_id === aKeys[1]));
      assert.equal((await filtered(`key_id=${aKeys[1]}`)).length, 30);
      assert.equal((await filtered("status=not_ok")).length, 24);
      assert.equal((await filtered("status=client_aborted")).length, 12);
      assert.equal((await filtered("status=ok")).length, 36);
      assert.equal((await filtered("model=m%2Ftwo&status=upstream_error")).filter((c) => c.model !== "m/two" || c.status !== "upstream_error").length, 0);
      assert.equal((await get(aSession, `/api/v1/tenants/${ids.a}/calls?cursor=nonsense`)).status, 400);
    });

    it("a call's detail has its hold and statement lines; credit history lists only top-ups and adjustments", async () => {
      // B's call through the proxy (the one with a generation id): its hold and its journal legs.
      const real = await world.server.store.db.selectFrom("calls").selectAll().where("tenant_id", "=", ids.b).where("generation_id", "is not", null).executeTakeFirstOrThrow();
      const detail = await get(operator, `/api/v1/tenants/${ids.b}/calls/${real.request_id}`);
      assert.equal(detail.status, 200, JSON.stringify(detail.body));
      assert.equal(detail.body.call.charge, formatUsd(real.charge));
      assert.equal(detail.body.call.generation_id, real.generation_id);
      assert.equal(detail.body.hold.status, "posted");
      assert.equal(detail.body.ledger.length, 1, "the call's legs make one statement line");
      assert.equal(detail.body.ledger[0].amount, formatUsd(-real.charge));
      const credits = await get(aSession, `/api/v1/tenants/${ids.a}/credit-history?limit=2`);
      assert.deepEqual(credits.body.data.map((l: { kind: string; amount: string }) => [l.kind, l.amount]), [["adjustment", "-0.25"], ["topup", "2.5"]]);
      const rest = await get(aSession, `/api/v1/tenants/${ids.a}/credit-history?limit=2&cursor=${credits.body.next_cursor}`);
      assert.deepEqual(rest.body.data.map((l: { kind: string; amount: string }) => [l.kind, l.amount]), [["topup", "5"]]);
      assert.equal(rest.body.next_cursor, null);
    });

    it("operator: tenants with spend, margin per day and the books' totals, equal to the store's own sums", async () => {
      const tenants = await get(operator, "/api/v1/operator/tenants?days=30");
      assert.equal(tenants.status, 200, JSON.stringify(tenants.body));
      for (const row of tenants.body.data as Array<{ id: string; spend: string; balance: string; calls: number }>) {
        const sums = await sql<{ charge: unknown; n: unknown }>`select sum(charge) as charge, count(*) as n from calls where tenant_id = ${row.id}`.execute(world.server.store.db);
        assert.equal(row.spend, formatUsd(BigInt(String(sums.rows[0]?.charge ?? 0))), `${row.id}'s spend`);
        assert.equal(row.calls, Number(sums.rows[0]?.n));
        const balance = await world.server.store.db.selectFrom("balances").select("balance").where("tenant_id", "=", row.id).executeTakeFirstOrThrow();
        assert.equal(row.balance, formatUsd(balance.balance));
      }
      const margin = await get(operator, "/api/v1/operator/margin?days=30");
      const all = await sql<{ charge: unknown; cost: unknown }>`select sum(charge) as charge, sum(upstream_cost) as cost from calls`.execute(world.server.store.db);
      const charge = BigInt(String(all.rows[0]?.charge));
      const cost = BigInt(String(all.rows[0]?.cost));
      assert.deepEqual(margin.body.total, { charge: formatUsd(charge), upstream_cost: formatUsd(cost), margin: formatUsd(charge - cost), calls: 62 });
      const accounts = await world.server.store.db.selectFrom("accounts").selectAll().execute();
      const credits = (prefix: string) => accounts.filter((x) => x.id.startsWith(prefix)).reduce((s, x) => s + x.credits - x.debits, 0n);
      assert.equal(margin.body.accounts.revenue, formatUsd(credits("revenue:")));
      assert.equal(margin.body.accounts.payable, formatUsd(credits("payable:")));
      assert.equal(margin.body.accounts.funding, formatUsd(-credits("funding")));
    });

    it("operator: pool health shows cool-downs, the books per credential, and drift per day as driftByDay computes it", async () => {
      // One pool key refuses (503): the proxy cools it down and the call goes to the other.
      world.sandbox.setKeyFault(world.poolKeys[0] as string, "status=503");
      const bKey = await fetch(`${world.server.url}/api/v1/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${WORLD_ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ tenant_id: ids.b, name: "b2", integration: "openrouter" }),
      }).then((r) => r.json() as Promise<{ key: string }>);
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${world.proxyBaseUrl}/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${bKey.key}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "openai/gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
        });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
      world.sandbox.setKeyFault(world.poolKeys[0] as string, null);
      await world.server.settled();
      await world.server.reconcileUpstream();
      await world.server.reconcileUpstream();

      const pool = await get(operator, "/api/v1/operator/pool?days=30");
      assert.equal(pool.status, 200, JSON.stringify(pool.body));
      const rows = pool.body.data as Array<{ id: string; last4: string; cooldowns: number; cooling_until: string | null; in_rotation: boolean; payable: string; last_reconciliation: { outcome: string } | null }>;
      assert.equal(rows.length, 2);
      const refused = rows.find((r) => world.poolKeys[0]?.endsWith(r.last4));
      assert.ok(refused && refused.cooldowns >= 1 && refused.cooling_until !== null, "the refusing credential is cooling down");
      assert.ok(rows.every((r) => r.in_rotation && r.last_reconciliation?.outcome === "agreed"));
      for (const r of rows) {
        const account = await world.server.store.db.selectFrom("accounts").selectAll().where("id", "=", `payable:${r.id}`).executeTakeFirst();
        assert.equal(r.payable, formatUsd(account ? account.credits - account.debits : 0n));
      }
      const since = (Math.floor(Date.now() / DAY) - 29) * DAY;
      const expected = (await driftByDay(world.server.store, since)).map((d) => ({
        day: d.day, credential_id: d.credentialId, runs: d.runs, booked_unexplained: formatUsd(d.bookedUnexplained), last_drift: formatUsd(d.lastDrift), last_outcome: d.lastOutcome,
      }));
      assert.ok(expected.length > 0 && expected.every((d) => d.runs === 2));
      assert.deepEqual(pool.body.drift_by_day, expected);
    });

    it("operator: open holds and instances", async () => {
      const now = Date.now();
      await world.server.store.db
        .insertInto("holds")
        .values({
          request_id: "req_openhold0000001", tenant_id: ids.a, key_id: aKeys[0] as string, amount: 1234n, status: "pending", instance_id: world.server.ctx.instanceId, epoch: 0n,
          integration: "openrouter", model: "m/one", generation_id: null, credential_id: null, created_at: BigInt(now), expires_at: BigInt(now + 60_000), ended_at: null, late: 0n, charge: 0n, upstream_cost: 0n,
        })
        .execute();
      try {
        const holds = await get(operator, "/api/v1/operator/holds");
        assert.equal(holds.body.count, 1);
        assert.equal(holds.body.amount, "0.000001234");
        assert.equal(holds.body.data[0].request_id, "req_openhold0000001");
        const instances = await get(operator, "/api/v1/operator/instances");
        const me = instances.body.data.find((i: { current: boolean }) => i.current);
        assert.deepEqual([me.id, me.live, me.pending_holds], [world.server.ctx.instanceId, true, 1]);
      } finally {
        await world.server.store.db.deleteFrom("holds").where("request_id", "=", "req_openhold0000001").execute();
      }
    });

    it("a tenant's session reaches none of another tenant's views, nor the operator's", async () => {
      for (const [name, c] of Object.entries(isolation) as Array<[EndpointName, (typeof isolation)[EndpointName]]>) {
        const res = await withCookie(h, c.method ?? dashboardEndpoints[name].method, c.path(ids), { session: aSession });
        assert.equal(res.status, c.expect, `${name}: ${JSON.stringify(res.body)}`);
        assert.ok(!JSON.stringify(res.body).includes(ids.bCall) || name === "getCall", `${name} shows nothing of B`);
      }
      assert.equal((await get(aSession, `/api/v1/tenants/${ids.a}/calls`)).status, 200, "its own views answer");
    });
  });
}
