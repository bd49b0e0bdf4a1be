// The page's Metering section: what a call costs and where the price comes from (the catalog's
// table, the upstream's own model list, or a price per call), then the integration's notes.
import type { Integration } from "../schema.js";
import { code, table } from "./markdown.js";

const dash = (v: string | undefined) => (v === undefined ? "—" : `$${v}`);

function prices(integration: Integration): string[] {
  const { metering, name } = integration;
  if (metering.kind === "per_call") {
    const unit = metering.unit === "call" ? "call" : metering.unit;
    return [
      `Each call is priced from the catalog: $${metering.priceUsd} per ${unit}` +
        (metering.unit === "call" ? "" : ` (a call may cost several; the proxy holds the most a request can be billed and charges what ${name} reports)`) +
        ", plus Vendo's markup. The hold placed before forwarding is that price.",
    ];
  }
  if (metering.prices === "upstream") {
    return [
      `Each call is priced from ${name}'s own cost for it, or from its tokens at the prices of ${name}'s model list (${code("GET " + integration.proxy.basePath + "/models")}, ` +
        "which the proxy serves with Vendo's prices), plus Vendo's markup. Before forwarding, the proxy holds the most the call can cost: " +
        "the prompt's tokens (at most the body's bytes and the model's context) and the completion's (at most max_tokens, else the model's own maximum), for each choice.",
    ];
  }
  const rows = metering.prices.models.map((m) => [
    code(m.id),
    dash(m.input),
    dash(m.cacheRead),
    dash(m.cacheWrite),
    dash(m.cacheWriteLong),
    m.kind === "embedding" ? "—" : dash(m.output),
    String(m.contextLength),
  ]);
  return [
    `${name} publishes no price API: each call is priced from its tokens at the catalog's prices below (USD per million tokens, ` +
      `from ${metering.prices.source}), plus Vendo's markup. Before forwarding, the proxy holds the most the call can cost: the prompt's tokens ` +
      "(at most the body's bytes and the model's context), each at its dearest input price, and the completion's (at most the request's bound, else the model's own maximum). " +
      "A model not in the table is refused before anything is held.",
    table(["Model", "Input", "Cached input", "Cache write", "Cache write (long)", "Output", "Context"], rows),
  ];
}

/** The section's body. */
export function meteringSection(integration: Integration): string {
  const notes = integration.notes.map((n) => `- ${n}`).join("\n");
  return [...prices(integration), ...(notes ? [notes] : [])].join("\n\n");
}
