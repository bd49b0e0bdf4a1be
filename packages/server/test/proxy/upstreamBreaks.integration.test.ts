// The edges of a call's life where money is easiest to lose or invent: the upstream breaks after
// the first byte (usage never comes), the client leaves before the upstream even answered, a
// bring-your-own-key call (the provider bills the tenant, Vendo must not), and fallback models
// whose worst case is not the one with the dearest completion price.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { getBalance } from "../../src/ledger/accounts.js";
import { auditLedger } from "../../src/ledger/audit.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "../support/world.js";

const chat = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "tell me a story" }], ...extra });

for (const { kind, skip } of storeKinds) {
  describe(`upstream breaks, early leavers, BYO and fallbacks (${kind})`, { skip }, () => {
    let world: World;
    before(async () => {
      world = await startWorld(kind);
    });
    after(() => world?.close());

    // The proxy forwards no sandbox header: faults are set on the pool's upstream keys.
    const poolFault = (fault: string | null) => {
      for (const k of world.poolKeys) world.sandbox.setKeyFault(k, fault);
    };

    async function post(key: string, body: string) {
      const res = await request(`${world.proxyBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body,
      });
      return { status: res.statusCode, text: await res.body.text().catch(() => "") };
    }

    async function chargesOf(tenant: string) {
      await world.server.settled();
      return world.server.store.db.selectFrom("calls").selectAll().where("tenant_id", "=", tenant).orderBy("created_at").execute();
    }

    for (const fault of ["stream-error=3", "reset=3"]) {
      it(`a stream the upstream breaks (${fault}) is charged the upstream's own record of it, not a guess`, async () => {
        const tenant = await world.createTenant("1");
        const key = await world.createKey(tenant);
        world.sandbox.reset();
        poolFault(fault);
        const res = await post(key.plaintext, chat({ stream: true })).finally(() => poolFault(null));
        assert.equal(res.status, 200);
        const calls = await chargesOf(tenant);
        const served = world.sandbox.calls();
        assert.equal(served.length, 1);
        assert.ok((served[0]?.costNanos ?? 0n) > 0n, "the sandbox billed the broken generation");
        assert.equal(calls.length, 1);
        assert.equal(calls[0]?.charge, served[0]?.costNanos, "charged exactly what the upstream billed");
        assert.equal(calls[0]?.estimated, 0n, "from the upstream's record, not estimated");
        assert.equal((await getBalance(world.server.store.db, tenant))?.balance, 1_000_000_000n - (served[0]?.costNanos ?? 0n));
      });
    }

    it("a client that leaves before the upstream answers: the call is drained, charged what was billed, the hold ends", async () => {
      const tenant = await world.createTenant("1");
      const key = await world.createKey(tenant);
      world.sandbox.reset();
      poolFault("latency=600");
      const controller = new AbortController();
      const pending = request(`${world.proxyBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key.plaintext}`, "content-type": "application/json" },
        body: chat({ stream: true }),
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 150);
      await assert.rejects(pending);
      poolFault(null);

      const deadline = Date.now() + 10_000;
      let open = 1;
      while (Date.now() < deadline) {
        await world.server.settled();
        open = (await world.server.store.db.selectFrom("holds").select("request_id").where("tenant_id", "=", tenant).where("status", "=", "pending").execute()).length;
        if (open === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(open, 0, "the hold ended");
      const served = world.sandbox.calls();
      assert.equal(served.length, 1);
      const calls = await chargesOf(tenant);
      assert.equal(calls[0]?.charge, served[0]?.costNanos);
      assert.equal(calls[0]?.status, "client_aborted");
      assert.equal((await auditLedger(world.server.store)).ok, true);
    });

    it("a bring-your-own-key call is billed by the provider only: Vendo holds and charges nothing", async () => {
      const byoKey = `sk-or-byo-${Date.now()}`;
      world.sandbox.addKey(byoKey);
      const admin = (method: string, path: string, body?: unknown, bearer = WORLD_ADMIN_TOKEN, headers: Record<string, string> = {}) =>
        request(`${world.server.url}${path}`, {
          method: method as "POST",
          headers: { authorization: `Bearer ${bearer}`, ...(body ? { "content-type": "application/json" } : {}), ...headers },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }).then(async (r) => ({ status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> }));
      const tenant = await admin("POST", "/api/v1/tenants", { name: "byo" });
      const tenantId = String(tenant.json.id);
      // A small balance: a Vendo hold for a long completion would not fit in it.
      assert.equal((await admin("POST", `/api/v1/tenants/${tenantId}/credits`, { amount: "0.000001" }, WORLD_ADMIN_TOKEN, { "idempotency-key": `byo-${tenantId}` })).status, 201);
      const mk = String((await admin("POST", `/api/v1/tenants/${tenantId}/management-keys`, {})).json.key);
      const deploymentId = String((await admin("POST", "/api/v1/deployments", { name: "byo-app" }, mk)).json.id);
      const connection = await admin("POST", `/api/v1/deployments/${deploymentId}/connections`, { integration: "openrouter", profile: "bring_your_own_key", credential: byoKey }, mk);
      assert.equal(connection.status, 201);
      const proxyKey = String(connection.json.api_key);

      world.sandbox.reset();
      assert.equal((await post(proxyKey, chat({ max_tokens: 2000 }))).status, 200);
      assert.equal((await post(proxyKey, chat({ stream: true }))).status, 200);
      const served = world.sandbox.calls({ served: true });
      assert.equal(served.length, 2);
      assert.ok(served.every((c) => c.key === byoKey && c.costNanos > 0n), "the tenant's own key paid upstream");
      const calls = await chargesOf(tenantId);
      assert.deepEqual(calls.map((c) => c.charge), [0n, 0n], "nothing charged by Vendo");
      const sorted = (xs: bigint[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepEqual(sorted(calls.map((c) => c.upstream_cost)), sorted(served.map((c) => c.costNanos)), "the upstream cost is still recorded");
      assert.equal((await getBalance(world.server.store.db, tenantId))?.balance, 1_000n);
    });

    it("with fallback models the hold covers the worst of them, not the one with the dearest completion price", async () => {
      // gpt-4o: completion $10/M, no request price. perplexity/sonar: completion $1/M but $0.005 a
      // request. For a short completion sonar is the dearer one: its hold must apply.
      const tenant = await world.createTenant("0.003");
      const key = await world.createKey(tenant);
      world.sandbox.reset();
      const res = await post(key.plaintext, JSON.stringify({ model: "openai/gpt-4o", models: ["perplexity/sonar"], max_tokens: 10, messages: [{ role: "user", content: "hi" }] }));
      assert.equal(res.status, 402, res.text);
      assert.equal(world.sandbox.calls().length, 0, "never forwarded");
      // With enough for sonar's worst case it goes through.
      const rich = await world.createTenant("0.01");
      const richKey = await world.createKey(rich);
      const ok = await post(richKey.plaintext, JSON.stringify({ model: "openai/gpt-4o", models: ["perplexity/sonar"], max_tokens: 10, messages: [{ role: "user", content: "hi" }] }));
      assert.equal(ok.status, 200, ok.text);
    });

    it("max_tokens and max_completion_tokens both given: the larger bounds the hold", async () => {
      // 400 completion tokens of gpt-4o cost $0.004; a balance of $0.002 covers 40 of them but not 400.
      const tenant = await world.createTenant("0.002");
      const key = await world.createKey(tenant);
      world.sandbox.reset();
      const res = await post(key.plaintext, JSON.stringify({ model: "openai/gpt-4o", max_tokens: 40, max_completion_tokens: 400, messages: [{ role: "user", content: "hi" }] }));
      assert.equal(res.status, 402, res.text);
      assert.equal(world.sandbox.calls().length, 0);
    });
  });
}
