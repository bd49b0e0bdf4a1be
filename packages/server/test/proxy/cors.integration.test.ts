// Browser apps (issue 15): a key's allowed origins decide which web pages may call the proxy with
// it. Preflights are answered for origins some key allows; the real request must come from an
// origin its own key allows, or it is refused before anything is held, forwarded or charged.
// The answer echoes the origin: never a wildcard, never Access-Control-Allow-Credentials.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { getBalance } from "../../src/ledger/accounts.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "../support/world.js";

const APP = "https://app.example.com";
const OTHER = "https://evil.example.net";
const CHAT = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello world" }] };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

for (const { kind, skip } of storeKinds) {
  describe(`CORS on the proxy (${kind})`, { skip }, () => {
    let world: World;
    let tenant: string;
    let browserKey: { id: string; plaintext: string };
    let serverKey: { id: string; plaintext: string };

    before(async () => {
      world = await startWorld(kind);
      tenant = await world.createTenant("5");
      browserKey = await world.createKey(tenant, { allowedOrigins: [APP] });
      serverKey = await world.createKey(tenant);
    });
    after(() => world?.close());

    const send = async (method: "GET" | "POST" | "OPTIONS", path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> => {
      const res = await request(`${world.proxyBaseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
        body: body === undefined ? null : JSON.stringify(body),
      });
      return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
    };
    const preflight = (origin: string, method = "POST", path = "/chat/completions") =>
      send("OPTIONS", path, { origin, "access-control-request-method": method, "access-control-request-headers": "authorization, content-type, x-stainless-os" });
    const chat = (key: string, origin?: string) =>
      send("POST", "/chat/completions", { authorization: `Bearer ${key}`, ...(origin ? { origin } : {}) }, CHAT);
    const corsHeaders = (a: Answer) => Object.keys(a.headers).filter((h) => h.startsWith("access-control-"));
    const assertRefused = (a: Answer) => {
      assert.equal(a.status, 403, a.body);
      assert.deepEqual(JSON.parse(a.body).error.code, 403);
      assert.match(JSON.parse(a.body).error.message, /origin/i);
      assert.deepEqual(corsHeaders(a), [], "a refused origin gets no CORS header");
    };

    it("answers a preflight from an origin a key allows, echoing it, with no credentials", async () => {
      const a = await preflight(APP);
      assert.equal(a.status, 204);
      assert.equal(a.headers["access-control-allow-origin"], APP);
      assert.match(String(a.headers["access-control-allow-methods"]), /\bPOST\b/);
      assert.equal(a.headers["access-control-allow-headers"], "authorization, content-type, x-stainless-os");
      assert.match(String(a.headers.vary), /\bOrigin\b/);
      assert.equal(a.headers["access-control-allow-credentials"], undefined);
      assert.equal(a.body, "");
    });

    it("refuses a preflight from an origin no key allows, without CORS headers", async () => {
      assertRefused(await preflight(OTHER));
      // `null` (sandboxed frames, file://) is never an allowed origin.
      assertRefused(await preflight("null"));
    });

    it("a preflight for a route the proxy does not have is a 404, not a CORS answer", async () => {
      const a = await preflight(APP, "POST", "/nope");
      assert.equal(a.status, 404);
      assert.deepEqual(corsHeaders(a), []);
      const wrongMethod = await preflight(APP, "DELETE");
      assert.equal(wrongMethod.status, 404);
    });

    it("serves the allowed origin's real call with the CORS headers, charged as any call", async () => {
      const before = (await getBalance(world.server.store.db, tenant))?.balance ?? 0n;
      const a = await chat(browserKey.plaintext, APP);
      assert.equal(a.status, 200, a.body);
      assert.equal(a.headers["access-control-allow-origin"], APP);
      assert.match(String(a.headers["access-control-expose-headers"]), /x-generation-id/);
      assert.equal(a.headers["access-control-allow-credentials"], undefined);
      await world.server.settled();
      const served = world.sandbox.calls({ served: true });
      const last = served[served.length - 1];
      assert.ok(last && JSON.parse(a.body).id === last.id, "the call reached the sandbox");
      const after = (await getBalance(world.server.store.db, tenant))?.balance ?? 0n;
      assert.equal(before - after, last.costNanos, "charged exactly the sandbox's cost (no markup set)");
    });

    it("refuses, before forwarding or holding anything, a key used from an origin it does not allow", async () => {
      const seen = world.sandbox.calls().length;
      const before = await getBalance(world.server.store.db, tenant);
      // Another key of the integration allows APP, so its preflight passes; this key does not.
      assertRefused(await chat(serverKey.plaintext, APP));
      assertRefused(await chat(browserKey.plaintext, OTHER));
      assert.equal(world.sandbox.calls().length, seen, "nothing reached the upstream");
      assert.deepEqual(await getBalance(world.server.store.db, tenant), before, "nothing held or charged");
    });

    it("leaves calls without an Origin (servers) alone, whatever the key allows", async () => {
      for (const key of [serverKey, browserKey]) {
        const a = await chat(key.plaintext);
        assert.equal(a.status, 200, a.body);
        assert.deepEqual(corsHeaders(a), []);
      }
    });

    it('a key allowing "*" gets the caller\'s origin echoed, never a wildcard', async () => {
      const anyKey = await world.createKey(tenant, { allowedOrigins: ["*"] });
      const a = await chat(anyKey.plaintext, OTHER);
      assert.equal(a.status, 200, a.body);
      assert.equal(a.headers["access-control-allow-origin"], OTHER);
      const account = await send("GET", "/key", { authorization: `Bearer ${anyKey.plaintext}`, origin: OTHER });
      assert.equal(account.headers["access-control-allow-origin"], OTHER, "account endpoints too");
      await world.server.ctx.store.db.updateTable("api_keys").set({ allowed_origins: null, updated_at: BigInt(Date.now()) }).where("id", "=", anyKey.id).execute();
    });

    it("the public /models answers allowed origins with CORS headers, others without", async () => {
      const allowed = await send("GET", "/models", { origin: APP });
      assert.equal(allowed.status, 200);
      assert.equal(allowed.headers["access-control-allow-origin"], APP);
      const other = await send("GET", "/models", { origin: OTHER });
      assert.equal(other.status, 200);
      assert.deepEqual(corsHeaders(other), []);
    });

    it("an error after the origin check (402) stays readable by the allowed page", async () => {
      const poor = await world.createTenant("0");
      const key = await world.createKey(poor, { allowedOrigins: [APP] });
      const a = await chat(key.plaintext, APP);
      assert.equal(a.status, 402, a.body);
      assert.equal(a.headers["access-control-allow-origin"], APP);
    });

    it("origins changed through the control API reach the proxy within about a second", async () => {
      const later = "https://later.example.org";
      assertRefused(await preflight(later));
      const patch = await request(`${world.server.url}/api/v1/keys/${serverKey.id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${WORLD_ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ allowed_origins: [later] }),
      });
      assert.equal(patch.statusCode, 200, await patch.body.text());
      const deadline = Date.now() + 3_000;
      let pre: Answer;
      let real: Answer;
      do {
        await new Promise((r) => setTimeout(r, 50));
        pre = await preflight(later);
        real = await chat(serverKey.plaintext, later);
      } while ((pre.status !== 204 || real.status !== 200) && Date.now() < deadline);
      assert.equal(pre.status, 204);
      assert.equal(real.status, 200, real.body);
      assert.equal(real.headers["access-control-allow-origin"], later);
    });
  });
}
