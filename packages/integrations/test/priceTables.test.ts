// The catalog's price tables (for upstreams with no price API) stay honest: every price is an exact
// decimal that converts to a per-token price and back without loss, every model is priced and
// bounded as its kind needs, and each table equals, model by model, the list prices the sandbox
// imitates the provider with — both are copied from the provider's pricing page, so a slip in
// either shows here before it shows as a charge the provider did not bill.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { anthropicModels, openaiModels } from "@vendo/sandbox";
import { catalog, catalogPrices, perToken } from "../src/index.ts";

const tables = [...catalog.values()].filter((i) => i.metering.kind === "per_token" && i.metering.prices !== "upstream");
/** The sandbox's own table of each provider the catalog prices itself. */
const sandboxTables: Record<string, ReadonlyArray<{ id: string; pricing: Record<string, string | undefined> }>> = {
  openai: openaiModels.map((m) => ({ id: m.id, pricing: { ...m.pricing } })),
  anthropic: anthropicModels.map((m) => ({ id: m.id, pricing: { ...m.pricing } })),
};

/** Per-token decimal text × 1,000,000, exactly, as decimal text. */
function timesMillion(perTokenText: string): string {
  const [whole = "0", frac = ""] = perTokenText.split(".");
  const padded = frac.padEnd(6, "0");
  const int = (whole + padded.slice(0, 6)).replace(/^0+(?=\d)/, "");
  const rest = padded.slice(6).replace(/0+$/, "");
  return rest ? `${int}.${rest}` : int;
}

/** A decimal without the zeros that do not change it: "2.50" → "2.5", "0.0" → "0". */
const canonical = (usd: string) => usd.replace(/^0+(?=\d)/, "").replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");

describe("perToken", () => {
  it("moves the decimal point six places, exactly", () => {
    assert.equal(perToken("0.15"), "0.00000015");
    assert.equal(perToken("2.50"), "0.0000025");
    assert.equal(perToken("0.075"), "0.000000075");
    assert.equal(perToken("15"), "0.000015");
    assert.equal(perToken("0"), "0");
    assert.equal(perToken("1000000"), "1");
    assert.equal(timesMillion(perToken("0.275")), "0.275");
  });
});

describe("the catalog's price tables", () => {
  it("exist for every per-token integration without a price API", () => {
    assert.ok(tables.length >= 1);
    for (const integration of tables) assert.ok(sandboxTables[integration.slug], `the sandbox imitates ${integration.slug}'s prices`);
  });

  for (const integration of tables) {
    const prices = catalogPrices(integration) ?? [];
    it(`${integration.slug}: every price converts to per-token and back without loss`, () => {
      assert.ok(prices.length > 0);
      for (const m of prices) {
        for (const [field, value] of Object.entries(m.pricing)) {
          assert.match(value, /^\d+(\.\d+)?$/, `${m.id}.${field}: a plain decimal, no exponent`);
          assert.ok((value.split(".")[1]?.length ?? 0) <= 15, `${m.id}.${field}: at most 15 decimals per token`);
        }
      }
      if (integration.metering.kind !== "per_token" || integration.metering.prices === "upstream") return;
      for (const row of integration.metering.prices.models) {
        for (const [field, value] of Object.entries(row)) {
          if (["input", "output", "cacheRead", "cacheWrite", "cacheWriteLong"].includes(field)) assert.equal(timesMillion(perToken(String(value))), canonical(String(value)), `${row.id}.${field}`);
        }
        if (row.kind === "chat") assert.notEqual(canonical(row.output), "0", `${row.id}: a chat model bills its output`);
      }
    });

    it(`${integration.slug}: equals the sandbox's list prices, model by model`, () => {
      const sandbox = new Map((sandboxTables[integration.slug] ?? []).map((m) => [m.id, m.pricing]));
      assert.deepEqual(
        prices.map((m) => m.id).sort(),
        [...sandbox.keys()].sort(),
        "the same models",
      );
      for (const m of prices) {
        const theirs = sandbox.get(m.id) ?? {};
        for (const [field, value] of Object.entries(theirs)) {
          if (value === undefined || (field === "completion" && value === "0" && m.pricing.completion === "0")) continue;
          assert.equal(m.pricing[field], value, `${m.id}.${field}`);
        }
        for (const field of Object.keys(m.pricing)) assert.ok(theirs[field] !== undefined, `${m.id}.${field} is in the sandbox's table too`);
      }
    });
  }
});
