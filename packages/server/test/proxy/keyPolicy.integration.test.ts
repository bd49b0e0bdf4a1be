// Issue 5, key policy: what the control API sets on a vendo_sk_ key (limit, rpm, disabled,
// expires_at, models) is what the proxy enforces. Keys are made and changed over the control API;
// calls go through the proxy with undici, to the sandbox. Every refusal has OpenRouter's error
// shape, never reaches the sandbox and costs nothing: the tenant pays exactly for what the
// sandbox served.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { request } from "undici";
import { decimalToNanos, usdNumberToNanos } from "../../src/ledger/money.js";
import { storeKinds } from "../support/stores.js";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "../support/world.js";

const MODEL = "openai/gpt-4o-mini";
const OTHER_MODEL = "anthropic/claude-sonnet-4";
const CREDIT = "10";
/** Changes made over the control API must reach the proxy within a second; we allow two. */
const PROPAGATION_DEADLINE_MS = 2_000;

// Response bodies are whatever JSON the server sent; the tests assert on their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface ProxyResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

const nanos = (usd: string): bigint => {
  const n = decimalToNanos(usd);
  assert.ok(n !== null, `not a USD decimal: ${usd}`);
  return n;
};

for (const { kind, skip } of storeKinds) {
  describe(`key policy enforced by the proxy (${kind})`, { skip }, () => {
    let world: World;
    let tenantId: string;

    before(async () => {
      world = await startWorld(kind);
    });
    after(() => world?.close());
    // Each test gets its own tenant and a clean sandbox log, so "served" means "served in this test".
    beforeEach(async () => {
      world.sandbox.reset();
      tenantId = await world.createTenant(CREDIT);
    });

    async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
      const res = await request(`${world.server.url}/api/v1${path}`, {
        method: method as "GET",
        headers: { authorization: `Bearer ${WORLD_ADMIN_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.statusCode, body: await res.body.json() };
    }

    /** A key minted over the control API, as a tenant's operator would. */
    async function createKey(policy: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
      const res = await control("POST", "/keys", { tenant_id: tenantId, name: "policy", integration: "openrouter", ...policy });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return { id: res.body.id, key: res.body.key };
    }

    async function chat(key: string, body: Record<string, unknown> = {}): Promise<ProxyResponse> {
      const res = await request(`${world.proxyBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: 5, ...body }),
      });
      return { status: res.statusCode, headers: res.headers, body: await res.body.json() };
    }

    const servedCount = () => world.sandbox.calls({ served: true }).length;

    /** A refusal: the status, OpenRouter's `{"error":{"code","message"}}` body, and nothing forwarded. */
    async function assertRefused(key: string, status: number, body: Record<string, unknown> = {}): Promise<ProxyResponse> {
      const served = servedCount();
      const res = await chat(key, body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body?.error?.code, status, "OpenRouter's error shape, code = HTTP status");
      assert.equal(typeof res.body.error.message, "string");
      assert.equal(servedCount(), served, "a refused call never reaches the sandbox");
      return res;
    }

    /** Sends calls until one gets `status`, for at most `deadlineMs`; returns that response. */
    async function pollUntil(key: string, status: number, deadlineMs = PROPAGATION_DEADLINE_MS): Promise<ProxyResponse> {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const res = await chat(key);
        if (res.status === status) return res;
        assert.ok(Date.now() < deadline, `no ${status} within ${deadlineMs} ms (last: ${res.status} ${JSON.stringify(res.body)})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    /**
     * Zero charge on refusals: one charge entry per served call (matched by request id, for the
     * sandbox's cost), and the balance is the credit minus exactly those, with no hold left open.
     */
    async function assertChargedOnlyForServed(): Promise<void> {
      await world.server.settled();
      const served = world.sandbox.calls({ served: true });
      const ledger = await control("GET", `/tenants/${tenantId}/ledger?limit=500`);
      const charges = ledger.body.data.filter((e: Json) => e.kind === "charge");
      assert.deepEqual(charges.map((e: Json) => e.request_id).sort(), served.map((c) => c.requestId).sort());
      for (const call of served) {
        const entry = charges.find((e: Json) => e.request_id === call.requestId);
        assert.equal(nanos(entry.amount), -call.costNanos);
      }
      const balance = await control("GET", `/tenants/${tenantId}/balance`);
      assert.equal(nanos(balance.body.balance), nanos(CREDIT) - served.reduce((s, c) => s + c.costNanos, 0n));
      assert.equal(nanos(balance.body.held), 0n);
    }

    it("a key whose limit is reached gets 402 and is never forwarded; raising the limit lets it through again", async () => {
      const limit = "0.00003"; // a few calls of max_tokens 5 on gpt-4o-mini
      const key = await createKey({ limit });
      let ok = 0;
      let refused: ProxyResponse | undefined;
      for (let i = 0; i < 30 && !refused; i++) {
        const res = await chat(key.key);
        if (res.status === 200) ok++;
        else refused = res;
      }
      assert.ok(ok > 0, "the key worked before its limit");
      assert.ok(refused, "the limit was reached within 30 calls");
      assert.equal(refused.status, 402, JSON.stringify(refused.body));
      await assertRefused(key.key, 402);

      // The limit is never overrun: settled usage stays within it, and /v1/key reports the rest.
      await world.server.settled();
      const view = await control("GET", `/keys/${key.id}`);
      assert.ok(nanos(view.body.usage) <= nanos(limit));
      assert.equal(nanos(view.body.usage), world.sandbox.totals().overall.costNanos);
      assert.equal(nanos(view.body.limit_remaining), nanos(limit) - nanos(view.body.usage));
      const keyDoc = await request(`${world.proxyBaseUrl}/key`, { headers: { authorization: `Bearer ${key.key}` } });
      const { data } = (await keyDoc.body.json()) as Json;
      assert.equal(keyDoc.statusCode, 200);
      assert.equal(usdNumberToNanos(data.limit), nanos(limit));
      assert.equal(usdNumberToNanos(data.limit_remaining), nanos(limit) - nanos(view.body.usage));

      const raised = await control("PATCH", `/keys/${key.id}`, { limit: "1" });
      assert.equal(raised.status, 200);
      await pollUntil(key.key, 200);
      await assertChargedOnlyForServed();
    });

    it("concurrent calls never spend past a key's limit: the holds count against it", async () => {
      const limit = "0.00005";
      const key = await createKey({ limit });
      const results = await Promise.all(Array.from({ length: 12 }, () => chat(key.key)));
      const statuses = results.map((r) => r.status);
      assert.ok(statuses.includes(200) && statuses.includes(402), `statuses: ${statuses.join(",")}`);
      assert.ok(statuses.every((s) => s === 200 || s === 402), `statuses: ${statuses.join(",")}`);
      assert.equal(servedCount(), statuses.filter((s) => s === 200).length, "only admitted calls were forwarded");
      await world.server.settled();
      const view = await control("GET", `/keys/${key.id}`);
      assert.ok(nanos(view.body.usage) <= nanos(limit), `usage ${view.body.usage} > limit ${limit}`);
      await assertChargedOnlyForServed();
    });

    it("a key over its rpm gets 429 with Retry-After, not forwarded", async () => {
      const key = await createKey({ rpm: 2 });
      for (let i = 0; i < 2; i++) assert.equal((await chat(key.key)).status, 200);
      const limited = await assertRefused(key.key, 429);
      const retryAfter = Number(limited.headers["retry-after"]);
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${limited.headers["retry-after"]}`);
      assert.equal(servedCount(), 2);
      await assertChargedOnlyForServed();
    });

    it("a key disabled over the control API gets 401 within a second or two; re-enabled it works, deleted it does not", async () => {
      const key = await createKey();
      assert.equal((await chat(key.key)).status, 200);
      const disabled = await control("POST", `/keys/${key.id}/disable`);
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.disabled, true);
      await pollUntil(key.key, 401);
      await assertRefused(key.key, 401);

      const enabled = await control("PATCH", `/keys/${key.id}`, { disabled: false });
      assert.equal(enabled.status, 200);
      await pollUntil(key.key, 200);

      // Deleting is for ever: refused as well, and it cannot be re-enabled.
      assert.equal((await control("DELETE", `/keys/${key.id}`)).status, 200);
      await pollUntil(key.key, 401);
      assert.notEqual((await control("PATCH", `/keys/${key.id}`, { disabled: false })).status, 200);
      await assertRefused(key.key, 401);
      await assertChargedOnlyForServed();
    });

    it("a key past its expires_at gets 401; an expiry in the past cannot be set", async () => {
      const expiresAt = Date.now() + 3_000; // room for one call before it passes, even on a busy machine
      const key = await createKey({ expires_at: new Date(expiresAt).toISOString() });
      assert.equal((await chat(key.key)).status, 200, "the key works before it expires");
      await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now() + 50)));
      const expired = await assertRefused(key.key, 401);
      assert.match(expired.body.error.message, /expired/i);

      const past = await control("PATCH", `/keys/${key.id}`, { expires_at: new Date(Date.now() - 60_000).toISOString() });
      assert.equal(past.status, 400, "disable the key instead of back-dating it");
      await assertChargedOnlyForServed();
    });

    it("a model outside the key's allowlist gets 403, in `model` or in the `models` fallbacks", async () => {
      const key = await createKey({ models: [MODEL] });
      assert.equal((await chat(key.key)).status, 200);
      await assertRefused(key.key, 403, { model: OTHER_MODEL });
      // OpenRouter may serve any listed fallback: an allowed `model` does not excuse the others.
      await assertRefused(key.key, 403, { model: MODEL, models: [MODEL, OTHER_MODEL] });
      assert.equal(servedCount(), 1);
      await assertChargedOnlyForServed();
    });
  });
}
