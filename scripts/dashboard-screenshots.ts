// Screenshots of the dashboard's main views for the docs (docs/dashboard/*.png), taken in Debian's
// Chromium against a real Vendo (sandbox upstream, SQLite) with real calls made through the proxy.
//   node --import tsx scripts/dashboard-screenshots.ts [--out docs/dashboard]
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { seedHistory } from "../bench/dashboard/seedHistory.js";
import { launchBrowser } from "../packages/server/test/dashboard/support/browser.js";
import { startWorld } from "../packages/server/test/support/world.js";

const at = process.argv.indexOf("--out");
const outDir = resolve(at === -1 ? "docs/dashboard" : (process.argv[at + 1] ?? ""));
mkdirSync(outDir, { recursive: true });

const world = await startWorld("sqlite", { markupBps: 1500n });
const browser = await launchBrowser();
try {
  const admin = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(world.server.url + path, {
      method,
      headers: { authorization: "Bearer test-admin-token", ...(body ? { "content-type": "application/json" } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as Record<string, string>;
  };
  const tenant = (await admin("POST", "/api/v1/tenants", { name: "Acme Robotics" })) as { id: string };
  await admin("POST", "/api/v1/tenants", { name: "Globex" });
  const mk = (await admin("POST", `/api/v1/tenants/${tenant.id}/management-keys`, {})) as { key: string };
  await admin("POST", `/api/v1/tenants/${tenant.id}/credits`, { amount: "25", memo: "starter credit" }, { "idempotency-key": "shot-1" });
  await admin("POST", `/api/v1/tenants/${tenant.id}/credits`, { amount: "10", memo: "top-up" }, { "idempotency-key": "shot-2" });
  const as = (method: string, path: string, body?: unknown) =>
    fetch(world.server.url + path, { method, headers: { authorization: `Bearer ${mk.key}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then(
      (r) => r.json() as Promise<Record<string, string>>,
    );
  const production = await as("POST", "/api/v1/keys", { name: "web app", integration: "openrouter", limit: "5", limit_reset: "daily" });
  const staging = await as("POST", "/api/v1/keys", { name: "ios app", integration: "openrouter", limit: "1", limit_reset: "weekly" });
  const deployment = await as("POST", "/api/v1/deployments", { name: "acme-web" });
  await as("POST", `/api/v1/deployments/${deployment.id}/connections`, { integration: "openrouter" });
  const models = ["openai/gpt-4o-mini", "anthropic/claude-3.5-haiku", "google/gemini-2.0-flash-001", "openai/gpt-4o"];
  for (let i = 0; i < 24; i++) {
    const key = i % 3 === 0 ? staging.key : production.key;
    const res = await fetch(`${world.proxyBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: models[i % models.length], max_tokens: 60 + i * 10, messages: [{ role: "user", content: `Write line ${i} of a poem about robots.` }] }),
    });
    await res.arrayBuffer();
  }
  await world.server.settled();
  await world.server.reconcileUpstream();
  // Four weeks of history before today's real calls, consistent with the books (bench/dashboard/seedHistory.ts).
  const credentials = (await world.server.store.db.selectFrom("pool_credentials").select("id").execute()).map((c) => c.id);
  await seedHistory(world.server.store, { tenants: 1, tenantIds: [tenant.id], calls: 6000, bigShare: 1, days: 28, keysPerTenant: 3, credentials, markupBps: 1500n, now: Date.now() - 86_400_000 });

  const shot = async (page: Page, name: string, fullPage = true) => {
    await page.waitForLoadState("networkidle").catch(() => undefined);
    await page.screenshot({ path: join(outDir, `${name}.png`), fullPage });
    console.log(`wrote ${join(outDir, `${name}.png`)}`);
  };
  const signIn = async (page: Page, token: string) => {
    await page.goto(`${world.server.url}/dashboard`);
    await page.getByLabel("Admin token or management key").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
  };

  const desk = await (await browser.context()).newPage();
  await desk.goto(`${world.server.url}/dashboard`);
  await desk.getByLabel("Admin token or management key").waitFor();
  await shot(desk, "sign-in");
  await signIn(desk, mk.key);
  await desk.getByTestId("spend-total").waitFor();
  await shot(desk, "tenant-overview");
  await desk.getByRole("link", { name: "Keys" }).click();
  await desk.getByLabel("Name").fill("mobile app");
  await desk.getByLabel("Spending limit (USD)").fill("2.50");
  await desk.getByRole("button", { name: "Create key" }).click();
  await desk.getByTestId("new-key-secret").waitFor();
  await shot(desk, "tenant-keys");
  await desk.getByRole("link", { name: "Calls", exact: true }).click();
  await desk.getByTestId("calls-table").waitFor();
  await shot(desk, "tenant-calls", false);
  await desk.locator("td.ids a").first().click();
  await desk.getByTestId("call-detail").waitFor();
  await shot(desk, "tenant-call-detail");
  await desk.getByRole("link", { name: "Deployments" }).click();
  await desk.getByRole("button", { name: /Show injected env/ }).click();
  await desk.getByTestId("env-table").waitFor();
  await shot(desk, "tenant-deployments");

  const op = await (await browser.context()).newPage();
  await signIn(op, "test-admin-token");
  await op.getByTestId("tenants-table").waitFor();
  await shot(op, "operator-overview");
  await op.getByRole("link", { name: "Pool" }).click();
  await op.getByTestId("pool-table").waitFor();
  await shot(op, "operator-pool");
  await op.getByRole("link", { name: "Instances" }).click();
  await op.getByTestId("instances-table").waitFor();
  await shot(op, "operator-instances");

  const phone = await (await browser.context({ width: 390, height: 844, mobile: true })).newPage();
  await signIn(phone, mk.key);
  await phone.getByTestId("spend-total").waitFor();
  await shot(phone, "phone-overview", false);
} finally {
  await browser.close();
  await world.close();
}
