// What `vendo dev` prints once it is up: where things are and two commands to paste.
import { relative } from "node:path";
import type { Output } from "../output.js";
import type { DemoSetup } from "./seedDemo.js";

export interface BannerFacts {
  apiUrl: string;
  /** Where the admin token is stored; null when it came from VENDO_ADMIN_TOKEN. */
  adminTokenFile: string | null;
  upstream: string;
  /** The sandbox's audit log URL; null when the upstream is OpenRouter. */
  auditUrl: string | null;
  /** The demo proxy URL routed by Host (`http://openrouter-proxy.localhost:<port>/v1`), as in production. */
  hostProxyUrl: string;
  store: string;
  demo: DemoSetup;
  startupMs: number;
}

export function printDevBanner(out: Output, facts: BannerFacts): void {
  const { demo } = facts;
  const baseUrl = demo.env.OPENROUTER_BASE_URL ?? "";
  const key = demo.env.OPENROUTER_API_KEY ?? "";
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
    ["deployment", `${demo.deploymentId} (demo-app, connected to openrouter)`],
    ["demo key", key],
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
  out.line();
  out.line(out.dim("Then: npx vendo usage --tenant " + demo.tenantId + "   ·   npx vendo ledger --tenant " + demo.tenantId + "   ·   Ctrl-C stops."));
}
