// The page's two tables: auth modes (one row per profile) and env vars (one row per variable).
import { proxyHost } from "../integration.js";
import type { EnvVar, Integration } from "../schema.js";
import { code, table, yesNo } from "./markdown.js";

export function authModesTable(integration: Integration): string {
  return table(
    ["Profile", "Default", "How it works"],
    integration.profiles.map((p) => [`${code(p.id)} (${p.label})`, yesNo(p.default), p.howItWorks]),
  );
}

export function envVarsTable(integration: Integration, domain: string): string {
  return table(
    ["Variable", "Profiles", "Source", "Secret"],
    integration.envVars.map((v) => [
      code(v.name),
      v.profiles === "all" ? "all" : v.profiles.join(", "),
      sourceCell(integration, v, domain),
      yesNo(v.secret),
    ]),
  );
}

function sourceCell(integration: Integration, v: EnvVar, domain: string): string {
  switch (v.source) {
    case "vendo_api_key":
      return `Vendo-issued API key (${code("vendo_sk_*")})`;
    case "proxy_base_url": {
      // The page shows the pattern every integration follows, with a literal <slug>, as the seed does.
      const host = proxyHost({ ...integration, slug: "<slug>" }, domain);
      return `Vendo proxy base URL (${code(`https://${host}${integration.proxy.basePath}`)})`;
    }
    case "connection_metadata":
      return `Connection metadata (${v.metadataKey ?? ""})`;
  }
}
