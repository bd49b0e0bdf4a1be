// The dashboard in a real browser (Debian's Chromium through playwright-core) against a real Vendo:
// sandbox upstream, SQLite store, calls made through the proxy over loopback. Figures read back from
// the page are compared with sums the test asks the store for itself (the journal, the balances).
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { sql } from "kysely";
import { hashKey } from "../../src/security/apiKeys.js";
import { startWorld, WORLD_ADMIN_TOKEN, type World } from "../support/world.js";
import { browserSkip, ensureDashboardBuilt, launchBrowser, type TestBrowser } from "./support/browser.js";

const NANOS = 1_000_000_000n;

// page.evaluate callbacks run in the page: its globals, typed only as far as this file uses them
// (the server's TypeScript program has no DOM library).
interface PageElement {
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: { activeElement: PageElement | null; documentElement: { scrollWidth: number }; querySelector(selector: string): PageElement | null };
declare const location: { hash: string };
interface Canvas {
  width: number;
  height: number;
  getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}

/** "$1,234.5" (as the page shows money) → nano-USD. */
function nanosOf(text: string): bigint {
  const m = /^(−|-)?\$([\d,]+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  assert.ok(m, `not an amount: ${JSON.stringify(text)}`);
  const nanos = BigInt((m[2] ?? "0").replaceAll(",", "")) * NANOS + BigInt((m[3] ?? "").padEnd(9, "0"));
  return m[1] ? -nanos : nanos;
}

/** The amount an element shows (its text, also inside a collapsed <details>). */
async function amountIn(locator: Locator): Promise<bigint> {
  return nanosOf((await locator.textContent()) ?? "");
}

interface Tenant {
  id: string;
  name: string;
  managementKey: string;
  keys: Array<{ id: string; name: string; key: string }>;
}

describe("dashboard in Chromium", { skip: browserSkip }, () => {
  let world: World;
  let browser: TestBrowser;
  let a: Tenant;
  let b: Tenant;
  /** A's browser, signed in with A's management key (tests 2 to 6). */
  let aContext: BrowserContext;
  let aPage: Page;
  const servers: Server[] = [];

  const admin = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(world.server.url + path, {
      method,
      headers: { authorization: `Bearer ${WORLD_ADMIN_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, string>;
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  async function makeTenant(name: string, credit: string, keyNames: string[]): Promise<Tenant> {
    const t = await admin("POST", "/api/v1/tenants", { name });
    const mk = await admin("POST", `/api/v1/tenants/${t.id}/management-keys`, {});
    await admin("POST", `/api/v1/tenants/${t.id}/credits`, { amount: credit, memo: `credit for ${name}` }, { "idempotency-key": `credit-${t.id}` });
    const keys = [];
    for (const keyName of keyNames) {
      const k = await admin("POST", "/api/v1/keys", { tenant_id: t.id, name: keyName, integration: "openrouter", limit: "2", limit_reset: "daily" });
      keys.push({ id: k.id as string, name: keyName, key: k.key as string });
    }
    return { id: t.id as string, name, managementKey: mk.key as string, keys };
  }

  /** One chat completion through the proxy, as `curl` would make it. */
  async function proxyCall(key: string, model: string): Promise<{ status: number; requestId: string; generationId: string }> {
    const res = await fetch(`${world.proxyBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model, max_tokens: 30, messages: [{ role: "user", content: "Say hello." }] }),
    });
    const body = (await res.json()) as { id?: string };
    return { status: res.status, requestId: res.headers.get("x-request-id") ?? "", generationId: body.id ?? "" };
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${world.server.url}/dashboard`);
    await page.getByLabel("Admin token or management key").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
  }

  /** What the journal says tenant `id` was charged (Σ its charge, markup and overage legs), optionally on one UTC day. */
  async function ledgerCharges(id: string, day?: string): Promise<bigint> {
    let q = world.server.store.db
      .selectFrom("ledger_entries")
      .select((eb) => eb.fn.sum("amount").as("s"))
      .where("tenant_id", "=", id)
      .where("debit_account", "=", `tenant:${id}`)
      .where("kind", "in", ["charge", "markup", "overage"]);
    if (day) q = q.where("created_at", ">=", BigInt(Date.parse(`${day}T00:00:00Z`))).where("created_at", "<", BigInt(Date.parse(`${day}T00:00:00Z`) + 86_400_000));
    return BigInt(String((await q.executeTakeFirstOrThrow()).s ?? 0));
  }

  async function balanceOf(id: string): Promise<bigint> {
    return (await world.server.store.db.selectFrom("balances").select("balance").where("tenant_id", "=", id).executeTakeFirstOrThrow()).balance;
  }

  async function keyCount(id: string): Promise<number> {
    return (await world.server.store.db.selectFrom("api_keys").select("id").where("tenant_id", "=", id).execute()).length;
  }

  before(async () => {
    ensureDashboardBuilt();
    world = await startWorld("sqlite", { markupBps: 1000n });
    browser = await launchBrowser();
    a = await makeTenant("Tenant A", "20", ["alpha", "beta"]);
    b = await makeTenant("Tenant B", "7", ["bravo"]);
    const models = ["openai/gpt-4o-mini", "anthropic/claude-3.5-haiku"];
    for (const [i, model] of [...models, ...models].entries()) assert.equal((await proxyCall(a.keys[i % 2]?.key ?? "", model)).status, 200);
    assert.equal((await proxyCall(b.keys[0]?.key ?? "", "openai/gpt-4o")).status, 200);
    await world.server.settled();
  });

  after(async () => {
    for (const s of servers) s.close();
    await browser?.close();
    await world?.close();
  });

  it("the operator signs in with the admin token (a wrong one is refused and not logged), sees tenants and margin equal to the journal, and signs out", async () => {
    const context = await browser.context();
    const page = await context.newPage();
    await page.goto(`${world.server.url}/dashboard`);
    const input = page.getByLabel("Admin token or management key");
    await input.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "token", "the token field has the focus");

    const logStart = world.logs.length;
    await input.fill("wrong-operator-token-123");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").filter({ hasText: "Unknown bearer token" }).waitFor();
    assert.equal((await context.cookies()).length, 0, "no cookie for a wrong token");
    const logs = world.logs.slice(logStart).join("");
    assert.match(logs, /"event":"sign_in_refused"/);
    assert.ok(!logs.includes("wrong-operator-token-123"), "the wrong token is not logged");

    await input.fill(WORLD_ADMIN_TOKEN);
    await page.keyboard.press("Enter");
    await page.getByTestId("tenants-table").waitFor();
    assert.equal(await page.getByTestId("who").innerText(), "Operator");
    assert.ok(!page.url().includes(WORLD_ADMIN_TOKEN), "no token in the URL");
    const cookie = (await context.cookies()).find((c) => c.name === "vendo_session");
    assert.ok(cookie?.httpOnly && cookie.sameSite === "Strict", "an HttpOnly, SameSite=Strict session cookie");

    for (const t of [a, b]) {
      const row = page.locator(`tr[data-tenant-id="${t.id}"]`);
      assert.match(await row.innerText(), new RegExp(t.name));
      assert.equal(await amountIn(row.locator("td.num").first()), await balanceOf(t.id), `${t.name}'s balance`);
      assert.equal(nanosOf(await row.locator("td[data-usd]").innerText()), await ledgerCharges(t.id), `${t.name}'s spend`);
    }
    // Revenue (what tenants paid), upstream cost and margin, against the journal's legs.
    const { db } = world.server.store;
    const legs = await sql<{ to_payable: unknown; to_revenue: unknown }>`
      select sum(case when credit_account like 'payable:%' then amount else 0 end) as to_payable,
             sum(case when credit_account like 'revenue:%' then amount else 0 end) as to_revenue
      from ledger_entries where debit_account like 'tenant:%'`.execute(db);
    const toPayable = BigInt(String(legs.rows[0]?.to_payable));
    const toRevenue = BigInt(String(legs.rows[0]?.to_revenue));
    assert.ok(toRevenue > 0n, "the markup made some revenue");
    assert.equal(await amountIn(page.getByTestId("margin-charge")), toPayable + toRevenue);
    assert.equal(await amountIn(page.getByTestId("margin-upstream")), toPayable);
    assert.equal(await amountIn(page.getByTestId("margin-margin")), toRevenue);
    assert.equal(await amountIn(page.getByTestId("margin-total")), toPayable + toRevenue, "the chart's caption total");

    await page.getByRole("link", { name: "Pool" }).click();
    await page.getByTestId("pool-table").waitFor();
    assert.equal(await page.locator("tr[data-credential-id]").count(), world.poolKeys.length);
    assert.equal(await page.getByTestId("pool-table").getByText("in rotation").count(), world.poolKeys.length);
    await page.getByRole("link", { name: "Instances" }).click();
    await page.getByTestId("instances-table").getByText("(answering this page)").waitFor();
    assert.match(await page.getByTestId("instances-table").innerText(), new RegExp(`${world.server.ctx.instanceId}[^\\n]*\\s+live`));
    await page.getByRole("link", { name: "Open holds" }).click();
    await page.getByTestId("holds-summary").filter({ hasText: "0 open holds" }).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Admin token or management key").waitFor();
    assert.equal((await context.cookies()).find((c) => c.name === "vendo_session"), undefined, "the cookie is cleared");
    await page.reload();
    await page.getByLabel("Admin token or management key").waitFor();
    const stale = await fetch(`${world.server.url}/api/v1/tenants`, { headers: { cookie: `vendo_session=${cookie?.value}` } });
    assert.equal(stale.status, 401, "the signed-out session no longer works");
    await context.close();
  });

  it("a tenant signs in by keyboard with its management key and sees its balance and spend chart equal to the ledger, stacked by model and by key", async () => {
    aContext = await browser.context();
    aPage = await aContext.newPage();
    await aPage.goto(`${world.server.url}/dashboard`);
    await aPage.getByLabel("Admin token or management key").waitFor();
    await aPage.keyboard.type(a.managementKey);
    await aPage.keyboard.press("Enter");
    await aPage.getByTestId("spend-total").waitFor();
    assert.equal(await aPage.getByTestId("who").innerText(), "Tenant Tenant A");
    assert.equal(await amountIn(aPage.getByTestId("balance-balance")), await balanceOf(a.id));

    const charged = await ledgerCharges(a.id);
    assert.ok(charged > 0n);
    assert.equal(await amountIn(aPage.getByTestId("spend-total")), charged, "the chart's total is the journal's");
    const today = new Date().toISOString().slice(0, 10);
    const rows = aPage.getByTestId("spend-table").locator("tbody tr");
    assert.equal(await rows.count(), 30, "30 days");
    for (const row of await rows.all()) {
      const day = (await row.getAttribute("data-day")) as string;
      assert.equal(await amountIn(row.locator("td").last()), await ledgerCharges(a.id, day), `the figure of ${day}`);
    }
    assert.ok((await ledgerCharges(a.id, today)) > 0n);

    const headers = async () => (await aPage.getByTestId("spend-table").locator("thead th").allTextContents()).slice(1, -1).sort();
    assert.deepEqual(await headers(), ["anthropic/claude-3.5-haiku", "openai/gpt-4o-mini"], "stacked by model");
    await aPage.getByLabel("Key", { exact: true }).check();
    await aPage.waitForFunction(() => document.querySelector('[data-testid="spend-table"] thead')?.textContent?.includes("alpha"));
    assert.deepEqual(await headers(), ["alpha", "beta"], "stacked by key");
    assert.equal(await amountIn(aPage.getByTestId("spend-total")), charged);
    // The canvas was drawn on (bars, axes, legend), not left blank.
    const inked = await aPage.locator("figure.chart canvas").evaluate((canvas) => {
      const c = canvas as unknown as Canvas;
      const data = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
      return n;
    });
    assert.ok(inked > 1000, `the chart drew ${inked} pixels`);

    // Keyboard: a nav link opens its view and the focus lands on the view's heading.
    await aPage.getByRole("link", { name: "Keys" }).focus();
    await aPage.keyboard.press("Enter");
    await aPage.getByRole("heading", { name: "Keys", level: 1 }).waitFor();
    assert.equal(await aPage.evaluate(() => document.activeElement?.textContent), "Keys");
  });

  it("a tenant cannot see another tenant's data, by URL tampering either", async () => {
    const bCall = await world.server.store.db.selectFrom("calls").select("request_id").where("tenant_id", "=", b.id).executeTakeFirstOrThrow();
    for (const path of [`/dashboard/t/${b.id}`, `/dashboard/t/${b.id}/calls`, `/dashboard/t/${b.id}/keys`, `/dashboard/t/${b.id}/credits`, `/dashboard/t/${a.id}/calls/${bCall.request_id}`]) {
      await aPage.goto(world.server.url + path);
      await aPage.getByRole("alert").filter({ hasText: /not found/i }).first().waitFor();
      const text = await aPage.locator("body").innerText();
      for (const ofB of [b.name, b.keys[0]?.name ?? "?", b.keys[0]?.id ?? "?"]) assert.ok(!text.includes(ofB), `${path} shows nothing of B (${ofB})`);
      // The request id of B's call is only the one typed into the address bar, echoed as not found.
      if (!path.endsWith(bCall.request_id)) assert.ok(!text.includes(bCall.request_id));
    }
    await aPage.goto(`${world.server.url}/dashboard/operator`);
    await aPage.getByRole("heading", { name: "Not found" }).waitFor();
    const statuses = await aPage.evaluate(
      (paths) => Promise.all(paths.map((p) => fetch(p).then((r) => r.status))),
      [`/api/v1/tenants/${b.id}/balance`, `/api/v1/tenants/${b.id}/spend`, "/api/v1/operator/tenants"],
    );
    assert.deepEqual(statuses, [404, 404, 403]);
  });

  it("creating a key shows its secret once and the key works; bad input gets a clear message and changes nothing", async () => {
    await aPage.goto(`${world.server.url}/dashboard/t/${a.id}/keys`);
    await aPage.getByTestId("keys-table").waitFor();
    const before = await keyCount(a.id);
    const name = aPage.getByLabel("Name");
    const error = aPage.getByTestId("create-key-error");
    const logStart = world.logs.length;

    await name.fill("x".repeat(5000));
    await aPage.getByRole("button", { name: "Create key" }).click();
    await error.filter({ hasText: "Invalid body.name" }).waitFor();
    await name.fill("browser key");
    await aPage.getByLabel("Spending limit (USD)").fill("ten dollars");
    await aPage.getByRole("button", { name: "Create key" }).click();
    await error.filter({ hasText: "Invalid body.limit: must be a USD decimal string" }).waitFor();
    assert.equal(await keyCount(a.id), before, "refused input made no key");
    const logs = world.logs.slice(logStart).join("");
    assert.equal(logs.match(/"kind":"invalid_request","status":400,"operation":"createKey"/g)?.length, 2, "each refusal is logged");
    const session = (await aContext.cookies()).find((c) => c.name === "vendo_session")?.value ?? "";
    assert.ok(session.length > 0 && !logs.includes(session), "without the session token");

    await aPage.getByLabel("Spending limit (USD)").fill("0.5");
    await aPage.getByLabel("Limit resets").selectOption("daily");
    await aPage.getByRole("button", { name: "Create key" }).click();
    const secret = await aPage.getByTestId("new-key-secret").innerText();
    assert.match(secret, /^vendo_sk_[0-9A-Za-z]{40}$/);
    const row = await world.server.store.db.selectFrom("api_keys").selectAll().where("key_hash", "=", hashKey(secret)).executeTakeFirstOrThrow();
    assert.deepEqual([row.tenant_id, row.name, row.limit_amount, row.limit_reset], [a.id, "browser key", 500_000_000n, "daily"]);
    assert.equal((await proxyCall(secret, "openai/gpt-4o-mini")).status, 200, "the new key works at the proxy");

    await aPage.getByRole("button", { name: "I have saved it" }).click();
    await aPage.getByTestId("new-key").waitFor({ state: "detached" });
    await aPage.reload();
    await aPage.locator(`tr[data-key-id="${row.id}"]`).waitFor();
    assert.ok(!(await aPage.content()).includes(secret), "never shown again");
    assert.match(await aPage.locator(`tr[data-key-id="${row.id}"]`).innerText(), new RegExp(row.prefix));

    await aPage.getByRole("button", { name: "Disable browser key" }).click();
    await aPage.locator(`tr[data-key-id="${row.id}"]`).getByText("disabled").waitFor();
    await world.server.catchUp();
    assert.equal((await proxyCall(secret, "openai/gpt-4o-mini")).status, 401, "the proxy refuses the disabled key");
    await aPage.getByRole("button", { name: "Delete browser key" }).click();
    await aPage.getByRole("button", { name: "Confirm delete browser key" }).click();
    await aPage.locator(`tr[data-key-id="${row.id}"]`).waitFor({ state: "detached" });
    assert.notEqual((await world.server.store.db.selectFrom("api_keys").select("deleted_at").where("id", "=", row.id).executeTakeFirstOrThrow()).deleted_at, null);
  });

  it("a call made meanwhile (as with curl) shows in recent calls and in the balance within 2 s, and opens its detail", async () => {
    await aPage.goto(`${world.server.url}/dashboard/t/${a.id}/calls`);
    await aPage.getByTestId("calls-table").waitFor();
    const overview = await aContext.newPage();
    await overview.goto(`${world.server.url}/dashboard/t/${a.id}`);
    await overview.getByTestId("balance-balance").waitFor();

    const call = await proxyCall(a.keys[0]?.key ?? "", "openai/gpt-4o-mini");
    assert.equal(call.status, 200);
    const answered = Date.now();
    await aPage.locator(`tr[data-request-id="${call.requestId}"]`).waitFor({ timeout: 2000 });
    await world.server.settled();
    const balance = (await balanceOf(a.id)).toString();
    await overview.waitForFunction((nanos) => {
      const el = document.querySelector('[data-testid="balance-balance"]');
      const usd = el?.getAttribute("data-usd") ?? "";
      const [whole = "0", frac = ""] = usd.split(".");
      return (BigInt(whole) * 1_000_000_000n + BigInt(frac.padEnd(9, "0"))).toString() === nanos;
    }, balance, { timeout: Math.max(1, 2000 - (Date.now() - answered)) });
    assert.ok(Date.now() - answered <= 2000, `live within 2 s (took ${Date.now() - answered} ms)`);
    await overview.close();

    const record = await world.server.store.db.selectFrom("calls").selectAll().where("request_id", "=", call.requestId).executeTakeFirstOrThrow();
    assert.equal(record.generation_id, call.generationId);
    await aPage.getByRole("link", { name: `Call ${call.requestId} details` }).click();
    await aPage.getByTestId("call-detail").waitFor();
    assert.equal(await aPage.getByTestId("call-generation").innerText(), call.generationId);
    assert.equal(await amountIn(aPage.getByTestId("call-charge")), record.charge);
  });

  it("a forged form post from another site changes nothing, and a same-site one is refused and logged without the secret", async () => {
    const vendo = world.server.url;
    const attacker = (host: string) =>
      new Promise<string>((resolve) => {
        const server = createServer((_req, res) => {
          res.writeHead(200, { "content-type": "text/html" });
          res.end(`<form method="post" action="${vendo}/api/v1/keys" enctype="text/plain"><input name='{"name":"forged","integration":"openrouter","x":"' value='"}'></form><script>document.forms[0].submit()</script>`);
        });
        servers.push(server);
        server.listen(0, "127.0.0.1", () => resolve(`http://${host}:${(server.address() as AddressInfo).port}/`));
      });
    const before = await keyCount(a.id);
    const logStart = world.logs.length;
    const page = await aContext.newPage();
    // Another site (localhost is not 127.0.0.1): the SameSite=Strict cookie is not even sent.
    await page.goto(await attacker("localhost"));
    await page.waitForURL(`${vendo}/api/v1/keys`);
    assert.match(await page.locator("body").innerText(), /"code":401/);
    // The same site on another port: the cookie goes along, the CSRF check refuses it.
    await page.goto(await attacker("127.0.0.1"));
    await page.waitForURL(`${vendo}/api/v1/keys`);
    assert.match(await page.locator("body").innerText(), /"code":403.*did not come from the dashboard page/);
    assert.equal(await keyCount(a.id), before, "no key was made");
    const logs = world.logs.slice(logStart).join("");
    assert.match(logs, /"event":"csrf_refused"/);
    const session = (await aContext.cookies()).find((c) => c.name === "vendo_session")?.value ?? "";
    assert.ok(session.length > 0 && !logs.includes(session), "the session token is not logged");
    await page.close();
  });

  it("an expired session sends the page back to sign-in with a clear message", async () => {
    await aPage.goto(`${world.server.url}/dashboard/t/${a.id}`);
    await aPage.getByTestId("balance-balance").waitFor();
    await world.server.store.db.updateTable("dashboard_sessions").set({ expires_at: BigInt(Date.now() - 1) }).where("tenant_id", "=", a.id).execute();
    await aPage.getByRole("alert").filter({ hasText: "Your dashboard session has expired: sign in again." }).waitFor({ timeout: 5000 });
    await aPage.getByLabel("Admin token or management key").waitFor();
    assert.equal(await aPage.getByTestId("balance-balance").count(), 0, "no data left on the page");
    await aContext.close();
  });

  it("the operator's one-time link signs the tenant in once, leaves no token in the address bar, and the tenant signs out", async () => {
    const link = (await admin("POST", `/api/v1/tenants/${a.id}/dashboard-links`)).url as string;
    const context = await browser.context();
    const page = await context.newPage();
    await page.goto(link);
    await page.getByTestId("balance-balance").waitFor();
    assert.equal(await page.getByTestId("who").innerText(), "Tenant Tenant A");
    assert.ok(!page.url().includes("link="), `the address bar is clean: ${page.url()}`);
    assert.ok(!(await page.evaluate(() => location.hash)).includes("vendo_dl_"));

    const other = await (await browser.context()).newPage();
    await other.goto(link);
    await other.getByRole("alert").filter({ hasText: "already been used" }).waitFor();

    const cookie = (await context.cookies()).find((c) => c.name === "vendo_session")?.value;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You have signed out.").waitFor();
    assert.equal((await fetch(`${world.server.url}/api/v1/whoami`, { headers: { cookie: `vendo_session=${cookie}` } })).status, 401);
    await context.close();
    await other.context().close();
  });

  it("at a 390 px phone width every view fits the screen and stays usable", async () => {
    const context = await browser.context({ width: 390, height: 844, mobile: true });
    const page = await context.newPage();
    await signIn(page, a.managementKey);
    const fits = async (path: string, heading: string) => {
      await page.goto(world.server.url + path);
      await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
      await page.waitForLoadState("networkidle");
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${path} is ${width} px wide`);
      for (const link of await page.getByRole("navigation").getByRole("link").all()) {
        const box = await link.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${path}: nav link within the screen`);
      }
    };
    await fits(`/dashboard/t/${a.id}`, "Overview");
    assert.equal(await amountIn(page.getByTestId("spend-total")), await ledgerCharges(a.id));
    const chart = await page.locator("figure.chart canvas").boundingBox();
    assert.ok(chart && chart.width > 250 && chart.x + chart.width <= 390, "the chart uses the phone's width");
    await fits(`/dashboard/t/${a.id}/keys`, "Keys");
    const create = await page.getByRole("button", { name: "Create key" }).boundingBox();
    assert.ok(create && create.x + create.width <= 390);
    await fits(`/dashboard/t/${a.id}/calls`, "Calls");
    await fits(`/dashboard/t/${a.id}/deployments`, "Deployments");
    await fits(`/dashboard/t/${a.id}/credits`, "Credit history");
    await context.close();

    const op = await (await browser.context({ width: 390, height: 844, mobile: true })).newPage();
    await signIn(op, WORLD_ADMIN_TOKEN);
    await op.getByTestId("tenants-table").waitFor();
    assert.ok((await op.evaluate(() => document.documentElement.scrollWidth)) <= 390);
    await op.context().close();
  });
});
