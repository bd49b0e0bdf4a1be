// What `vendo dev` prints once it is up: where things are, each connected integration's proxy and
// how to call it, and commands to paste.
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { baseUrlEnvVar, catalog, tokenEnvVar } from "@vendo/integrations";
import type { Output } from "../output.js";
import { DEMO_INTEGRATION, type DemoSetup } from "./seedDemo.js";

export interface BannerFacts {
  apiUrl: string;
  /** Where the admin token is stored; null when it came from VENDO_ADMIN_TOKEN. */
  adminTokenFile: string | null;
  upstream: string;
  /** The sandbox's audit log URL; null when no sandbox runs. */
  auditUrl: string | null;
  /** The demo proxy URL routed by Host (`http://openrouter-proxy.localhost:<port>/v1`), as in production. */
  hostProxyUrl: string;
  store: string;
  demo: DemoSetup;
  startupMs: number;
}

export function printDevBanner(out: Output, facts: BannerFacts): void {
  const { demo } = facts;
  const first = catalog.get(DEMO_INTEGRATION);
  const baseUrl = first ? (demo.env[baseUrlEnvVar(first).name] ?? "") : "";
  const key = first ? (demo.env[tokenEnvVar(first).name] ?? "") : "";
  // Every other connected integration: its proxy URL and the env var its key is in.
  const others = demo.integrations.flatMap((slug) => {
    const integration = catalog.get(slug);
    if (!integration || slug === DEMO_INTEGRATION) return [];
    return [[slug, `${demo.env[baseUrlEnvVar(integration).name] ?? ""}   (${tokenEnvVar(integration).name} holds its key)`] as [string, string]];
  });
  const body = JSON.stringify({ model: "openai/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Say hello in five words." }] });

  out.line(out.bold(`Vendo dev is up in ${facts.startupMs} ms`));
  out.fields([
    ["dashboard", `${demo.dashboardUrl}   (signs the demo tenant in; works once, for 30 minutes)`],
    ["control API", facts.apiUrl],
    ["proxy URL", baseUrl],
    ["proxy by Host", `${facts.hostProxyUrl}   (browsers and curl resolve *.localhost)`],
    ["upstream", facts.upstream],
    ...(facts.auditUrl ? ([["sandbox audit", facts.auditUrl]] as Array<[string, string]>) : []),
    ["store", facts.store],
    ["demo tenant", `${demo.tenantId} (balance ${demo.balance} USD)`],
    ["deployment", `${demo.deploymentId} (demo-app, connected to ${demo.integrations.join(", ")})`],
    ["demo key", key],
    ...others,
  ]);
  out.line();
  out.line(out.bold("Stream a reply through the proxy:"));
  out.line(`curl -N ${baseUrl}/chat/completions \\`);
  out.line(`  -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`);
  out.line(`  -d '${body}'`);
  out.line();
  out.line(out.bold("Run the example with the deployment's env injected (another terminal):"));
  // Always the URL this run listens on: the README sends readers here rather than guessing a port.
  if (facts.adminTokenFile) out.line(`export VENDO_API_URL=${facts.apiUrl} VENDO_ADMIN_TOKEN=$(cat ${relative(process.cwd(), facts.adminTokenFile) || facts.adminTokenFile})`);
  else out.line(`export VENDO_API_URL=${facts.apiUrl}   # VENDO_ADMIN_TOKEN is already set`);
  out.line(`npx vendo run --deployment ${demo.deploymentId} -- node examples/openrouter-sdk.mjs`);
  for (const example of demo.integrations.flatMap(examplesOf)) out.line(`npx vendo run --deployment ${demo.deploymentId} -- node ${example}`);
  out.line();
  out.line(out.dim("Then: npx vendo usage --tenant " + demo.tenantId + "   ·   npx vendo ledger --tenant " + demo.tenantId + "   ·   Ctrl-C stops."));
}

/** The official-client examples of an integration (examples/<slug>/*.mjs), when run from the repository. */
function examplesOf(slug: string): string[] {
  const dir = join("examples", slug);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".mjs")).sort().map((f) => join(dir, f)) : [];
}
