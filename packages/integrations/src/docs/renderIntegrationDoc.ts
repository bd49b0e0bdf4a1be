// An integration's docs page, rendered from its catalog entry alone (DESIGN §2).
import { proxyHost, tokenEnvVar } from "../integration.js";
import type { Integration } from "../schema.js";
import { clientNotes, CLIENTS_HEADING } from "./clientNotes.js";
import { code } from "./markdown.js";
import { meteringSection } from "./metering.js";
import { quickstart } from "./quickstart.js";
import { authModesTable, envVarsTable } from "./tables.js";

export interface RenderDocOptions {
  /** The domain the proxy hosts live under; the page's URLs follow it. */
  domain?: string;
}

export const DEFAULT_DOMAIN = "vendo.run";

/** Where docs/integrations/<slug>.md finds docs/two-modes.md. */
const TWO_MODES_HREF = "../two-modes.md";

export function renderIntegrationDoc(integration: Integration, { domain = DEFAULT_DOMAIN }: RenderDocOptions = {}): string {
  const { name } = integration;
  const tokenVar = code(tokenEnvVar(integration).name);
  const sections = [
    `# ${name}`,
    integration.tagline,
    integration.description,
    "## Auth modes",
    authModesTable(integration),
    "## Environment variables",
    "These are the env vars Vendo injects into your deployment at boot when this integration is bound. " +
      `Source values are resolved by ${code("resolveConnectionEnvVars")} in ${code("packages/integrations/lib/")} ` +
      "from the connection record (credential, metadata) and deployment context (proxy URL, Vendo-issued API key).",
    envVarsTable(integration, domain),
    "## Reading the credential at runtime",
    `Vendo writes ${tokenVar} (and any companion vars above) into your deployment's environment at boot — ` +
      `the official ${name} SDK auto-discovers it, so most code just instantiates the client with no extra wiring. ` +
      `${code("vendo.token(slug)")} is the resolution-chain-aware alternative that reads the same value in Vendo mode ` +
      "and falls back to whatever you set in OSS mode; use whichever fits your style. " +
      `See [Two modes](${TWO_MODES_HREF}) for the full resolution chain.`,
    "## Proxy endpoint",
    `Calls to ${name} are brokered through Vendo's proxy at:`,
    `https://${proxyHost(integration, domain)}`,
    `Point the official ${name} SDK at this base URL; Vendo authenticates, meters per call, and forwards upstream. ` +
      "Your code never sees the upstream credential.",
    "## Metering",
    meteringSection(integration),
    ...clientSection(integration),
    "## Quickstart",
    quickstart(integration),
    "## Two modes",
    `In Vendo mode your deployment reads what Vendo injected; in OSS mode it reads ${tokenVar} as you set it, ` +
      `with your own ${name} key. [Two modes](${TWO_MODES_HREF}) has the full resolution chain of ` +
      `${code("vendo.token(slug)")} and ${code("vendo.baseUrl(slug)")}.`,
  ];
  return sections.join("\n\n") + "\n";
}

function clientSection(integration: Integration): string[] {
  const body = clientNotes(integration);
  return body === null ? [] : [`## ${CLIENTS_HEADING}`, body];
}
