// The Tavily integration end to end, through the real proxy to the sandbox's Tavily, with the
// official `@tavily/core` client: a basic search (1 credit), an advanced one (2), one whose depth
// auto_parameters chose (held for 2, charged what Tavily chose), one with its usage reported. Each
// search is held the most it can cost and charged the credits the sandbox billed × the catalog's
// price × markup, to the nano-USD. A key's credits are read back from Tavily's GET /usage, so the
// books agree with the upstream per pool credential (invariant 5). An `api_key` in the body never
// reaches Tavily; refusals come in Tavily's error shape, reach no upstream and cost nothing.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { tavily } from "@tavily/core";
import { request } from "undici";
import { getBalance } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { bookedFor } from "../../src/ledger/reconciliation.js";
import { expectedCharge } from "../support/expectedMoney.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const MARKUP_BPS = 1_000n;
/** One credit, $0.008, with 10 %. */
const CREDIT = 8_800_000n;

for (const { kind, skip } of storeKinds) {
  describe(`Tavily through the proxy, with the official client (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind, { integrations: ["tavily"], poolKeys: ["tvly-pool-one-0123456789", "tvly-pool-two-0123456789"], markupBps: MARKUP_BPS });
    });
    after(() => world?.close());

    const client = (key: string) => tavily({ apiKey: key, apiBaseURL: world.proxyUrl("tavily") });
    const holdsOf = (tenant: string) => world.server.store.db.selectFrom("holds").selectAll().where("tenant_id", "=", tenant).orderBy("request_id").execute();

    it("holds the most a search can cost and charges the credits Tavily billed", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant, { integration: "tavily" });
      const tvly = client(key.plaintext);

      const basic = await tvly.search("who is Leo Messi?", { maxResults: 3 });
      assert.equal(basic.results.length, 3);
      await tvly.search("who is Leo Messi?", { searchDepth: "advanced", includeAnswer: true });
      const auto = await tvly.search("what are the newest results in solid state battery research", { autoParameters: true });
      assert.equal(auto.autoParameters?.searchDepth, "advanced", "the sandbox chose advanced for a long query");
      const short = await tvly.search("weather in Oslo", { autoParameters: true, includeUsage: true });
      assert.deepEqual(short.usage, { credits: 1 });

      await world.server.settled();
      const served = new Map(world.sandbox.calls({ served: true }).map((c) => [c.requestId, c]));
      const holds = await holdsOf(tenant);
      assert.deepEqual(holds.map((h) => served.get(h.request_id)?.units), [1, 2, 2, 1]);
      assert.deepEqual(holds.map((h) => h.amount), [CREDIT, 2n * CREDIT, 2n * CREDIT, 2n * CREDIT], "auto_parameters with no depth is held for advanced");
      for (const hold of holds) {
        const call = served.get(hold.request_id);
        assert.equal(hold.charge, expectedCharge(call?.costExact ?? "x", MARKUP_BPS));
      }
      assert.deepEqual(holds.map((h) => h.charge), [CREDIT, 2n * CREDIT, 2n * CREDIT, CREDIT]);
      assert.equal((await getBalance(world.server.store.db, tenant))?.balance, 1_000_000_000n - 6n * CREDIT);
      assert.equal((await auditLedger(world.server.store)).ok, true);
    });

    it("invariant 5: each pool key's books equal the credits Tavily reports for it, priced at the catalog's rate", async () => {
      await world.server.settled();
      const report = await world.server.reconcileUpstream();
      const tavilyRuns = report.filter((r) => r.integration === "tavily");
      assert.equal(tavilyRuns.length, 2);
      assert.ok(tavilyRuns.every((r) => r.outcome === "agreed"), JSON.stringify(tavilyRuns, (_, v) => (typeof v === "bigint" ? String(v) : v)));
      const credentials = await world.server.store.db.selectFrom("pool_credentials").select(["id", "secret_enc"]).where("integration", "=", "tavily").execute();
      const byKey = world.sandbox.totals().byKey;
      for (const c of credentials) {
        assert.equal(await bookedFor(world.server.store, c.id), byKey[world.server.ctx.secrets.open(c.secret_enc)]?.costNanos ?? 0n);
      }
    });

    it("an api_key in the body never reaches Tavily", async () => {
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant, { integration: "tavily" });
      const seen: string[] = [];
      // A stand-in upstream that records the bodies it gets, in place of the sandbox for this call.
      const spy = createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          if (req.url === "/usage") return void res.writeHead(200, { "content-type": "application/json" }).end('{"key":{"usage":0}}');
          seen.push(body);
          res.writeHead(200, { "content-type": "application/json" }).end('{"query":"q","images":[],"results":[],"response_time":0.1,"request_id":"spy-1"}');
        });
      });
      await new Promise<void>((r) => spy.listen(0, "127.0.0.1", r));
      const spyWorld = await startWorld(kind, { integrations: ["tavily"], poolKeys: ["tvly-spy-0123456789"], upstreams: { tavily: `http://127.0.0.1:${(spy.address() as AddressInfo).port}` } });
      try {
        const spyTenant = await spyWorld.createTenant("1");
        const spyKey = await spyWorld.createKey(spyTenant, { integration: "tavily" });
        const res = await request(`${spyWorld.proxyUrl("tavily")}/search`, {
          method: "POST",
          headers: { authorization: `Bearer ${spyKey.plaintext}`, "content-type": "application/json" },
          body: JSON.stringify({ api_key: spyKey.plaintext, query: "q" }),
        });
        assert.equal(res.statusCode, 200);
        await res.body.dump();
        assert.deepEqual(seen.map((b) => JSON.parse(b) as unknown), [{ query: "q" }]);
      } finally {
        await spyWorld.close();
        spy.close();
      }
      assert.ok(key.plaintext);
    });

    it("refusals in Tavily's shape, before any hold: nothing reaches Tavily, nothing is charged", async () => {
      world.sandbox.reset();
      const tenant = await world.createTenant("0.01");
      const key = await world.createKey(tenant, { integration: "tavily" });
      const post = (body: unknown, auth = `Bearer ${key.plaintext}`) =>
        request(`${world.proxyUrl("tavily")}/search`, { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => ({
          status: r.statusCode,
          body: (await r.body.json()) as { detail: { error: string } },
        }));
      assert.deepEqual(await post({ query: "" }), { status: 400, body: { detail: { error: "Query is missing." } } });
      assert.equal((await post({ query: "q", search_depth: "deep" })).status, 400);
      const noKey = await post({ query: "q" }, "");
      assert.equal(noKey.status, 401);
      assert.match(noKey.body.detail.error, /Authorization: Bearer vendo_sk_/);
      const poor = await post({ query: "q", search_depth: "advanced" });
      assert.equal(poor.status, 402);
      assert.match(poor.body.detail.error, /could cost up to \$0\.0176, and the balance has \$0\.01 available\. Add credits\./);
      assert.deepEqual(world.sandbox.calls(), []);
      await assert.rejects(client(key.plaintext).search("", {}), /Query is missing/);
      await world.server.settled();
      assert.equal((await getBalance(world.server.store.db, tenant))?.balance, 10_000_000n);
    });
  });
}
