// Every integration's docs page is rendered from its catalog entry alone (DESIGN §2) and the
// committed page is that rendering (generated.test.ts): here, each page says what its entry says —
// the env vars Vendo injects, the proxy endpoint, the price source and its table, the notes and the
// clients that need the base URL — and each entry names what its provider's clients read.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { baseUrlEnvVar, catalog, getIntegration, providerBaseUrl, renderIntegrationDoc, tokenEnvVar } from "../src/index.ts";
import { codeBlocks, plainText, prose, section, tableRows } from "./support/renderedPage.ts";

/** What each provider's own clients read, and where its API lives: the catalog must agree. */
const providers: Record<string, { token: string; baseUrl: string; provider: string }> = {
  openrouter: { token: "OPENROUTER_API_KEY", baseUrl: "OPENROUTER_BASE_URL", provider: "https://openrouter.ai/api/v1" },
  openai: { token: "OPENAI_API_KEY", baseUrl: "OPENAI_BASE_URL", provider: "https://api.openai.com/v1" },
  anthropic: { token: "ANTHROPIC_API_KEY", baseUrl: "ANTHROPIC_BASE_URL", provider: "https://api.anthropic.com" },
  tavily: { token: "TAVILY_API_KEY", baseUrl: "TAVILY_BASE_URL", provider: "https://api.tavily.com" },
};

describe("each integration's docs page says what its catalog entry says", () => {
  for (const integration of catalog.values()) {
    const page = renderIntegrationDoc(integration);
    it(`${integration.slug}: env vars, endpoint, metering, notes, clients, quickstart`, () => {
      assert.ok(page.startsWith(`# ${integration.name}\n\n${integration.tagline}\n\n`));
      const rows = tableRows(section(page, "Environment variables")).slice(1);
      assert.deepEqual(rows.map((r) => r[0]), integration.envVars.map((v) => v.name));
      assert.equal(prose(section(page, "Proxy endpoint"))[1], `https://${integration.slug}-proxy.vendo.run`);

      const metering = section(page, "Metering");
      const { metering: m } = integration;
      if (m.kind === "per_call") assert.match(plainText(metering), new RegExp(`\\$${m.priceUsd.replace(".", "\\.")} per ${m.unit}`));
      else if (m.prices === "upstream") assert.match(plainText(metering), /GET \/v1\/models/);
      else {
        const models = tableRows(metering).slice(1);
        assert.deepEqual(models.map((r) => r[0]), m.prices.models.map((row) => row.id), "one row per model of the table");
        for (const [i, row] of m.prices.models.entries()) assert.equal(models[i]?.[1], `$${row.input}`, `${row.id}'s input price`);
        assert.ok(plainText(metering).includes(m.prices.source), "the table's source is named");
      }
      for (const note of integration.notes) assert.ok(metering.includes(`- ${note}`), `note: ${note.slice(0, 40)}…`);
      for (const client of integration.clients) assert.ok(page.includes(client.example.join("\n")), `${client.package}'s working form`);
      assert.ok(codeBlocks(section(page, "Quickstart")).some((b) => b.includes(`vendo.token(${JSON.stringify(integration.slug)})`)));
    });

    const expected = providers[integration.slug];
    it(`${integration.slug}: injects what the provider's own clients read`, () => {
      assert.ok(expected, `the test knows ${integration.slug}'s provider`);
      assert.equal(tokenEnvVar(integration).name, expected.token);
      assert.equal(baseUrlEnvVar(integration).name, expected.baseUrl);
      assert.equal(providerBaseUrl(integration), expected.provider);
    });
  }

  it("openai: chat, responses and embeddings metered; models forwarded free", () => {
    const openai = getIntegration("openai");
    assert.deepEqual(
      openai.proxy.paths.map((p) => `${p.method} ${p.path} ${p.metered ? "metered" : "free"}`),
      ["POST /v1/chat/completions metered", "POST /v1/responses metered", "POST /v1/embeddings metered", "GET /v1/models free"],
    );
    assert.equal(openai.adapter, "openai");
  });

  it("anthropic: messages metered; token counting and models forwarded free; the key in x-api-key, the version passed on", () => {
    const anthropic = getIntegration("anthropic");
    assert.deepEqual(
      anthropic.proxy.paths.map((p) => `${p.method} ${p.path} ${p.metered ? "metered" : "free"}`),
      ["POST /v1/messages metered", "POST /v1/messages/count_tokens free", "GET /v1/models free"],
    );
    assert.deepEqual(anthropic.upstream.auth, { header: "x-api-key" });
    assert.deepEqual(anthropic.upstream.passHeaders, ["anthropic-version", "anthropic-beta"]);
    assert.equal(anthropic.adapter, "anthropic");
  });
});
