// The catalog is data (issue 12): the `weather` per-call fixture of packages/integrations/test,
// dropped into a catalog folder next to the shipped entries, is proxied and metered per call with
// no code change — a GET with a query string and the key in `x-api-key`, as its catalog entry
// declares, to a real upstream on loopback that checks the pool credential. Each served call is
// held and charged the catalog's price with the markup; a refused one costs nothing; errors take
// Vendo's default shape; reconciliation says this upstream has no usage record to compare with.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { catalogDir } from "@vendo/integrations";
import { request } from "undici";
import { getBalance } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, type World } from "../support/world.js";

const MARKUP_BPS = 1_500n; // 15 %
const weatherFixture = fileURLToPath(new URL("../../../integrations/test/fixtures/weather.json", import.meta.url));
/** $0.002 per call (the fixture's price) with 15 %: 2,300,000 nano-USD, exactly. */
const CHARGE = 2_300_000n;

/** The weather API: answers GET /v2/forecast?city=… to its own key only, as a provider would. */
function weatherUpstream(key: string) {
  const seen: Array<{ url: string; key: string | undefined }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    seen.push({ url: req.url ?? "", key: req.headers["x-api-key"] as string | undefined });
    const url = new URL(req.url ?? "/", "http://x");
    if (req.headers["x-api-key"] !== key) return void res.writeHead(401, { "content-type": "application/json" }).end('{"message":"bad key"}');
    if (url.pathname !== "/v2/forecast" || req.method !== "GET") return void res.writeHead(404).end();
    if (url.searchParams.get("city") === "Atlantis") return void res.writeHead(404, { "content-type": "application/json" }).end('{"message":"no such city"}');
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ city: url.searchParams.get("city"), forecast: "sunny" }));
  });
  return { server, seen };
}

for (const { kind, skip } of storeKinds) {
  describe(`a per-call catalog entry added as data, with no code (${kind})`, { skip }, () => {
    const poolKey = "weather-pool-key-0123456789";
    const upstream = weatherUpstream(poolKey);
    let world: World;
    let dir = "";

    before(async () => {
      // The shipped catalog, plus the fixture under its slug's file name.
      dir = mkdtempSync(join(tmpdir(), "vendo-catalog-"));
      for (const name of readdirSync(catalogDir).filter((f) => f.endsWith(".json"))) copyFileSync(join(catalogDir, name), join(dir, name));
      copyFileSync(weatherFixture, join(dir, "weatherly.json"));
      await new Promise<void>((r) => upstream.server.listen(0, "127.0.0.1", r));
      const url = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;
      world = await startWorld(kind, { poolKeys: [poolKey], integrations: ["weatherly"], markupBps: MARKUP_BPS, upstreams: { weatherly: url }, server: { catalogDir: dir } });
    });
    after(async () => {
      await world?.close();
      upstream.server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const forecast = (key: string | null, query: string, method = "GET") =>
      request(`${world.server.url}/proxy/weatherly/v2/forecast${query}`, { method: method as "GET", headers: key ? { "x-api-key": key } : {} }).then(async (r) => ({
        status: r.statusCode,
        body: (await r.body.json()) as Record<string, unknown>,
      }));

    it("forwards the GET and its query with the pool credential, and charges the catalog's price × markup", async () => {
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant, { integration: "weatherly" });
      upstream.seen.length = 0;
      const answer = await forecast(key.plaintext, "?city=Paris&days=2");
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, { city: "Paris", forecast: "sunny" });
      assert.deepEqual(upstream.seen, [{ url: "/v2/forecast?city=Paris&days=2", key: poolKey }], "the upstream got the pool key, never the tenant's");
      assert.equal((await forecast(key.plaintext, "?city=Oslo")).status, 200);

      await world.server.settled();
      const holds = await world.server.store.db.selectFrom("holds").selectAll().where("tenant_id", "=", tenant).execute();
      assert.equal(holds.length, 2);
      for (const hold of holds) {
        assert.equal(hold.status, "posted");
        assert.equal(hold.amount, CHARGE, "the hold is the price");
        assert.equal(hold.charge, CHARGE);
      }
      const balance = await getBalance(world.server.store.db, tenant);
      assert.deepEqual([balance?.balance, balance?.held], [1_000_000_000n - 2n * CHARGE, 0n]);
      assert.equal((await auditLedger(world.server.store)).ok, true);
    });

    it("an upstream refusal costs nothing and reaches the client as the upstream wrote it", async () => {
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant, { integration: "weatherly" });
      const answer = await forecast(key.plaintext, "?city=Atlantis");
      assert.deepEqual([answer.status, answer.body], [404, { message: "no such city" }]);
      await world.server.settled();
      assert.equal((await getBalance(world.server.store.db, tenant))?.balance, 1_000_000_000n);
    });

    it("Vendo's own refusals use its default shape and never reach the upstream", async () => {
      const tenant = await world.createTenant("0.001"); // less than one call's price
      const key = await world.createKey(tenant, { integration: "weatherly" });
      upstream.seen.length = 0;
      const missing = await forecast(null, "?city=Paris");
      assert.equal(missing.status, 401);
      assert.match(String((missing.body.error as { message: string }).message), /x-api-key: vendo_sk_/);
      const poor = await forecast(key.plaintext, "?city=Paris");
      assert.deepEqual([poor.status, (poor.body.error as { code: number }).code], [402, 402]);
      assert.match(String((poor.body.error as { message: string }).message), /could cost up to \$0\.0023, and the balance has \$0\.001 available\. Add credits\./);
      assert.equal((await forecast(key.plaintext, "?city=Paris", "POST")).status, 404, "only the catalog's method is forwarded");
      assert.deepEqual(upstream.seen, []);
    });

    it("reconciliation says the upstream keeps no usage record, rather than agreeing", async () => {
      const report = await world.server.reconcileUpstream({ dryRun: true });
      const weather = report.filter((r) => r.integration === "weatherly");
      assert.equal(weather.length, 1);
      assert.equal(weather[0]?.outcome, "no_upstream_record");
    });
  });
}
