import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { camelCase } from "../src/docs/quickstart.ts";
import { CatalogError, getIntegration, loadIntegrationFile, renderDocsCommand, renderIntegrationDoc } from "../src/index.ts";
import { codeBlocks, prose, section, tableRows } from "./support/renderedPage.ts";
import { seed, seedCopy, seedText, sharedSeed } from "./support/seedPage.ts";
import { weatherFixture } from "./support/tempCatalog.ts";

const openrouter = getIntegration("openrouter");
const page = renderIntegrationDoc(openrouter);

/** Each seed row (cells run together) must be some rendered row's cells joined, in the seed's order. */
function assertRowsInOrder(rendered: string[][], seedTable: { header: string; rows: string[] }): void {
  const [header, ...rows] = rendered;
  assert.equal(header?.join(""), seedTable.header);
  let last = -1;
  for (const seedRow of seedTable.rows) {
    const found = rows.findIndex((cells, i) => i > last && cells.join("") === seedRow);
    assert.ok(found > last, `row "${seedRow}" missing or out of order in:\n${rows.map((r) => r.join(" | ")).join("\n")}`);
    assert.equal(rows[found]?.length, header?.length, `row "${seedRow}" has the wrong number of cells`);
    last = found;
  }
}

describe("the committed seed page copy", () => {
  it("equals the shared seed page", (t) => {
    if (!existsSync(sharedSeed)) return t.skip(`no shared seed page at ${fileURLToPath(sharedSeed)}`);
    assert.equal(seedText, readFileSync(sharedSeed, "utf8"), `${fileURLToPath(seedCopy)} is stale: copy the shared page again`);
  });
});

describe("renderIntegrationDoc(openrouter) matches the seed page", () => {
  it("opens with the title, the tagline and the description", () => {
    assert.ok(page.startsWith(`# OpenRouter\n\n${seed.tagline}\n\n${seed.description}\n\n`), page.slice(0, 400));
  });

  it("has every row of the Auth modes table, cell by cell, in order", () => {
    const rows = tableRows(section(page, "Auth modes"));
    assertRowsInOrder(rows, seed.authModes);
    assert.deepEqual(rows[1], [
      "vendo_managed_pool (Vendo-managed pool)",
      "Yes",
      "Vendo holds the upstream credential and bills per call against the tenant's Vendo balance. No tenant signup with the provider required.",
    ]);
  });

  it("has the Environment variables intro and every row of its table, cell by cell, in order", () => {
    const body = section(page, "Environment variables");
    assert.equal(prose(body)[0], seed.envVarsIntro);
    const rows = tableRows(body);
    assertRowsInOrder(rows, seed.envVars);
    assert.deepEqual(rows.slice(1), [
      ["OPENROUTER_API_KEY", "all", "Vendo-issued API key (vendo_sk_*)", "Yes"],
      ["OPENROUTER_BASE_URL", "all", "Vendo proxy base URL (https://<slug>-proxy.vendo.run/v1)", "No"],
    ]);
  });

  it("has the runtime paragraph, linking Two modes", () => {
    const body = section(page, "Reading the credential at runtime");
    assert.deepEqual(prose(body), [seed.runtime]);
    assert.match(body, /\[Two modes\]\(\.\.\/two-modes\.md\)/);
  });

  it("has the proxy endpoint and its sentences", () => {
    assert.deepEqual(prose(section(page, "Proxy endpoint")), seed.proxyEndpoint);
  });

  it("has the Python, TypeScript and Swift quickstarts line for line", () => {
    const blocks = codeBlocks(section(page, "Quickstart"));
    assert.equal(blocks.length, 3);
    assert.equal(blocks.join("\n"), seed.quickstart);
  });

  it("links a Two modes section to a page that exists next to docs/integrations/", () => {
    const body = section(page, "Two modes");
    const href = /\]\(([^)]+)\)/.exec(body)?.[1];
    assert.equal(href, "../two-modes.md");
    assert.ok(existsSync(new URL(`../../../docs/integrations/${href}`, import.meta.url)), "docs/two-modes.md is missing");
  });
});

describe("renderIntegrationDoc options and other integrations", () => {
  it("follows the configured domain in the endpoint and the base URL source", () => {
    const other = renderIntegrationDoc(openrouter, { domain: "gw.example.test" });
    assert.deepEqual(prose(section(other, "Proxy endpoint"))[1], "https://openrouter-proxy.gw.example.test");
    assert.equal(tableRows(section(other, "Environment variables"))[2]?.[2], "Vendo proxy base URL (https://<slug>-proxy.gw.example.test/v1)");
    assert.doesNotMatch(other, /vendo\.run/);
  });

  it("renders a per-call integration from its own data", () => {
    const weather = renderIntegrationDoc(loadIntegrationFile(fileURLToPath(weatherFixture)));
    assert.ok(weather.startsWith("# Weatherly\n\nForecasts by the call.\n\n"));
    assert.deepEqual(tableRows(section(weather, "Environment variables")).slice(1), [
      ["WEATHERLY_KEY", "all", "Vendo-issued API key (vendo_sk_*)", "Yes"],
      ["WEATHERLY_URL", "vendo_managed_pool", "Vendo proxy base URL (https://<slug>-proxy.vendo.run/v2)", "No"],
      ["WEATHERLY_REGION", "all", "Connection metadata (region)", "No"],
    ]);
    assert.match(weather, /^const weatherlyToken = await vendo\.token\("weatherly"\);$/m);
    assert.match(weather, /^# Get a forecast for any place\. Billed per forecast against your Vendo balance\.$/m);
    assert.match(weather, /^https:\/\/weatherly-proxy\.vendo\.run$/m);
    assert.match(weather, /Vendo writes `WEATHERLY_KEY`/);
  });

  it("renders the catalog's clients that need the base URL, and no such section without any", () => {
    const body = section(page, "Clients that need the base URL");
    assert.match(body, /^### `@openrouter\/ai-sdk-provider` \(TypeScript\)$/m);
    const [example] = codeBlocks(body);
    assert.equal(example, openrouter.clients[0]?.example.join("\n"));
    assert.match(example ?? "", /createOpenRouter\(\{ baseURL: process\.env\.OPENROUTER_BASE_URL \}\)/);
    const weather = renderIntegrationDoc(loadIntegrationFile(fileURLToPath(weatherFixture)));
    assert.doesNotMatch(weather, /Clients that need the base URL/);
  });

  it("lists several profiles comma-separated and keeps a pipe inside a cell", () => {
    const twoProfiles = {
      ...openrouter,
      profiles: openrouter.profiles.map((p) => ({ ...p, howItWorks: `${p.howItWorks} a|b` })),
      envVars: openrouter.envVars.map((v) => ({ ...v, profiles: ["vendo_managed_pool", "bring_your_own_key"] })),
    };
    const rendered = renderIntegrationDoc(twoProfiles);
    assert.equal(tableRows(section(rendered, "Environment variables"))[1]?.[1], "vendo_managed_pool, bring_your_own_key");
    assert.match(tableRows(section(rendered, "Auth modes"))[1]?.[2] ?? "", / a\|b$/);
  });

  it("names the TypeScript token variable after the slug in camelCase", () => {
    assert.equal(camelCase("openrouter"), "openrouter");
    assert.equal(camelCase("google-maps-2"), "googleMaps2");
  });
});

describe("renderDocsCommand", () => {
  it("renders a known slug, with the domain option", () => {
    assert.equal(renderDocsCommand("openrouter"), page);
    assert.match(renderDocsCommand("openrouter", { domain: "localhost" }), /^https:\/\/openrouter-proxy\.localhost$/m);
  });

  it("throws UNKNOWN_INTEGRATION listing the known slugs", () => {
    assert.throws(
      () => renderDocsCommand("nope"),
      (err) => err instanceof CatalogError && err.code === "UNKNOWN_INTEGRATION" && /nope.*openrouter/.test(err.message),
    );
  });
});
