// Dashboard sign-in, sessions and CSRF over real HTTP on both stores: what the cookie looks like,
// that bad input changes nothing and is logged without the secret, that changes need the CSRF
// token and this origin, and that sessions end when they expire, are signed out, or lose their key.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { findSession } from "../../src/dashboard/sessions.js";
import { hashKey } from "../../src/security/apiKeys.js";
import { ADMIN_TOKEN, describeOnStores, errorOf, type Harness } from "../control/support/controlHarness.js";
import { signIn, signInRaw, withCookie } from "./support/sessionClient.js";

async function sessionRows(h: Harness) {
  return h.server.store.db.selectFrom("dashboard_sessions").selectAll().execute();
}

async function keyCount(h: Harness, tenantId: string): Promise<number> {
  return (await h.server.store.db.selectFrom("api_keys").select("id").where("tenant_id", "=", tenantId).execute()).length;
}

describeOnStores("dashboard: sign-in, sessions and CSRF", (h) => {
  let tenant: { id: string; key: string };
  before(async () => {
    tenant = await h().tenant("dash tenant");
  });

  it("the admin token signs in as the operator with an HttpOnly, SameSite=Strict cookie; the store keeps only its hash", async () => {
    const s = await signIn(h(), { token: ADMIN_TOKEN });
    assert.equal(s.body.kind, "operator");
    assert.match(s.setCookie, /^vendo_session=vendo_ds_[0-9A-Za-z]{40}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    assert.ok(!s.setCookie.includes("Secure"), "plain http: no Secure flag (the browser would drop the cookie)");
    assert.ok(!JSON.stringify(s.body).includes(s.cookie.split("=")[1] as string), "the session token is in the cookie only");
    const token = s.cookie.split("=")[1] as string;
    const rows = await sessionRows(h());
    assert.ok(rows.some((r) => r.token_hash === hashKey(token)));
    assert.ok(!JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v)).includes(token), "no plaintext session token at rest");

    const me = await withCookie(h(), "GET", "/dashboard/session", { session: s });
    assert.equal(me.status, 200);
    assert.equal(me.body.csrf, s.csrf);
    assert.equal((await withCookie(h(), "GET", "/api/v1/tenants", { session: s })).status, 200, "the cookie authenticates control API reads");
  });

  it("behind https the cookie is also Secure", async () => {
    const res = await signInRaw(h().url, { token: ADMIN_TOKEN }, { "x-forwarded-proto": "https" });
    assert.equal(res.status, 201);
    assert.match(res.headers.get("set-cookie") ?? "", /; Secure$/);
  });

  it("a management key signs in as its tenant, and sees only its own tenant", async () => {
    const other = await h().tenant("other tenant");
    const s = await signIn(h(), { token: tenant.key });
    assert.deepEqual([s.body.kind, s.body.tenant_id, s.body.tenant_name], ["tenant", tenant.id, "dash tenant"]);
    assert.equal((await withCookie(h(), "GET", `/api/v1/tenants/${tenant.id}/balance`, { session: s })).status, 200);
    assert.equal((await withCookie(h(), "GET", `/api/v1/tenants/${other.id}/balance`, { session: s })).status, 404);
    assert.equal((await withCookie(h(), "GET", "/api/v1/tenants", { session: s })).status, 403, "operator routes refuse a tenant session");
  });

  it("a wrong token, a proxy key, an oversized or missing field, or a non-JSON body: a clear 4xx, no cookie, no session, logged without the secret", async () => {
    const before = (await sessionRows(h())).length;
    const logStart = h().logs.length;
    const wrong = "vendo_mk_WrongWrongWrongWrongWrongWrongWrongWrong";
    const attempts: Array<[unknown, number, RegExp]> = [
      [{ token: wrong }, 401, /Unknown management key/],
      [{ token: "not-the-admin-token-at-all" }, 401, /Unknown bearer token/],
      [{ token: "vendo_sk_ProxyKeyProxyKeyProxyKeyProxyKey00" }, 401, /proxy keys/],
      [{ token: "x".repeat(5000) }, 400, /body\.token: is too long/],
      [{ token: "" }, 400, /body\.token: must not be empty/],
      [{}, 400, /give either token or link/],
      [{ token: ADMIN_TOKEN, extra: 1 }, 400, /unknown field "extra"/],
    ];
    for (const [body, status, message] of attempts) {
      const res = await signInRaw(h().url, body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(errorOf(res).message, message);
      assert.equal(res.headers.get("set-cookie"), null);
    }
    const form = await fetch(`${h().url}/dashboard/session`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `token=${ADMIN_TOKEN}` });
    assert.equal(form.status, 415, "a form post (what another site could send) is not accepted");
    assert.equal((await sessionRows(h())).length, before, "no session was opened");
    const logs = h().logs.slice(logStart).join("");
    assert.match(logs, /"event":"sign_in_refused","reason":"unknown_credentials"/);
    assert.match(logs, /"reason":"invalid_request"/);
    assert.ok(!logs.includes(wrong) && !logs.includes("not-the-admin-token-at-all") && !logs.includes("ProxyKeyProxyKey"), "no token in the logs");
  });

  it("a change made with the cookie needs the CSRF token and this origin; without them nothing changes", async () => {
    const s = await signIn(h(), { token: tenant.key });
    const keysBefore = await keyCount(h(), tenant.id);
    const body = { name: "from the dashboard", integration: "openrouter" };
    const logStart = h().logs.length;
    const refused = [
      await withCookie(h(), "POST", "/api/v1/keys", { session: s, body, noCsrf: true }),
      await withCookie(h(), "POST", "/api/v1/keys", { session: { cookie: s.cookie, csrf: "forged-csrf-token" }, body }),
      await withCookie(h(), "POST", "/api/v1/keys", { session: s, body, headers: { origin: "http://evil.example" } }),
    ];
    // A forged form post (what a same-site page could send with the cookie): refused before its body is read.
    const form = await fetch(`${h().url}/api/v1/keys`, {
      method: "POST",
      headers: { cookie: s.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: "name=forged&integration=openrouter",
    });
    refused.push({ status: form.status, body: await form.json(), headers: form.headers });
    for (const res of refused) {
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.match(errorOf(res).message, /did not come from the dashboard page/);
    }
    assert.equal(await keyCount(h(), tenant.id), keysBefore, "no key was made");
    const logs = h().logs.slice(logStart).join("");
    assert.equal(logs.match(/"event":"csrf_refused"/g)?.length, 4);
    assert.ok(!logs.includes(s.cookie.split("=")[1] as string) && !logs.includes(s.csrf), "neither the session token nor the CSRF token is logged");

    const made = await withCookie(h(), "POST", "/api/v1/keys", { session: s, body, headers: { origin: h().url } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(await keyCount(h(), tenant.id), keysBefore + 1);
  });

  it("an expired session is refused with a clear message, changes nothing, and its cookie is cleared", async () => {
    const s = await signIn(h(), { token: tenant.key });
    const token = s.cookie.split("=")[1] as string;
    await h().server.store.db.updateTable("dashboard_sessions").set({ expires_at: BigInt(Date.now() - 1) }).where("token_hash", "=", hashKey(token)).execute();
    const keysBefore = await keyCount(h(), tenant.id);
    const post = await withCookie(h(), "POST", "/api/v1/keys", { session: s, body: { name: "late", integration: "openrouter" } });
    assert.equal(post.status, 401);
    assert.match(errorOf(post).message, /session has expired: sign in again/);
    assert.equal(await keyCount(h(), tenant.id), keysBefore);
    const me = await withCookie(h(), "GET", "/dashboard/session", { session: s });
    assert.equal(me.status, 401);
    assert.match(me.headers.get("set-cookie") ?? "", /^vendo_session=; Path=\/; Max-Age=0/);
  });

  it("revoking the management key ends the sessions made with it", async () => {
    const fresh = await h().call("POST", `/api/v1/tenants/${tenant.id}/management-keys`, { body: { name: "short-lived" } });
    const s = await signIn(h(), { token: fresh.body.key });
    assert.equal((await withCookie(h(), "GET", `/api/v1/tenants/${tenant.id}`, { session: s })).status, 200);
    await h().call("DELETE", `/api/v1/tenants/${tenant.id}/management-keys/${fresh.body.id}`);
    const after = await withCookie(h(), "GET", `/api/v1/tenants/${tenant.id}`, { session: s });
    assert.equal(after.status, 401);
    assert.match(errorOf(after).message, /session has ended/);
  });

  it("an operator session ends when the admin token changes", async () => {
    const s = await signIn(h(), { token: ADMIN_TOKEN });
    const token = s.cookie.split("=")[1] as string;
    const ctx = h().server.ctx;
    assert.equal((await findSession(ctx, token)).status, "ok");
    assert.equal((await findSession({ ...ctx, config: { ...ctx.config, adminToken: "a-new-admin-token" } }, token)).status, "unknown");
  });

  it("signing out needs the CSRF token, then ends the session and clears the cookie", async () => {
    const s = await signIn(h(), { token: tenant.key });
    const forged = await withCookie(h(), "DELETE", "/dashboard/session", { session: s, noCsrf: true });
    assert.equal(forged.status, 403);
    assert.equal((await withCookie(h(), "GET", "/dashboard/session", { session: s })).status, 200, "still signed in");
    const out = await withCookie(h(), "DELETE", "/dashboard/session", { session: s });
    assert.equal(out.status, 200);
    assert.match(out.headers.get("set-cookie") ?? "", /Max-Age=0/);
    const after = await withCookie(h(), "GET", `/api/v1/tenants/${tenant.id}`, { session: s });
    assert.equal(after.status, 401);
    assert.match(errorOf(after).message, /session has ended/);
  });

  it("a one-time sign-in link works once, only within its life, and only the operator makes one", async () => {
    const made = await h().call("POST", `/api/v1/tenants/${tenant.id}/dashboard-links`);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.match(made.body.url, new RegExp(`^${h().url}/dashboard/#link=vendo_dl_[0-9A-Za-z]{40}$`));
    const link = (made.body.url as string).split("#link=")[1] as string;
    const s = await signIn(h(), { link });
    assert.deepEqual([s.body.kind, s.body.tenant_id], ["tenant", tenant.id]);
    const again = await signInRaw(h().url, { link });
    assert.equal(again.status, 401);
    assert.match(errorOf(again).message, /already been used or has expired/);

    const old = await h().call("POST", `/api/v1/tenants/${tenant.id}/dashboard-links`);
    const oldLink = (old.body.url as string).split("#link=")[1] as string;
    await h().server.store.db.updateTable("dashboard_links").set({ expires_at: BigInt(Date.now() - 1) }).where("token_hash", "=", hashKey(oldLink)).execute();
    assert.equal((await signInRaw(h().url, { link: oldLink })).status, 401, "an expired link");

    const byTenant = await h().call("POST", `/api/v1/tenants/${tenant.id}/dashboard-links`, { as: tenant.key });
    assert.equal(byTenant.status, 403);
    const rows = await h().server.store.db.selectFrom("dashboard_links").selectAll().execute();
    assert.ok(!JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v)).includes(link), "links are stored hashed");
  });
});
