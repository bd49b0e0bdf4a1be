// Which integration a request is for and which of its paths: by Host (`<slug>-proxy.<domain>`)
// or by prefix (`/proxy/<slug>/…`). Only exact catalog paths are forwarded, so traversal
// (`..`, encoded slashes) and absolute-form targets can never reach upstream.
import type { IncomingMessage } from "node:http";
import { proxyHost, type Integration } from "@vendo/integrations";

export interface ProxyRoute {
  /** null for `/proxy/<unknown slug>/…`: still the proxy's to answer, with a 404. */
  integration: Integration | null;
  /** The path under the integration (e.g. /v1/chat/completions), query removed. */
  path: string;
  query: string;
}

/** `domains`: each one routes `<slug>-proxy.<domain>` (any port) by Host; null entries are skipped. */
export function createRouter(catalog: ReadonlyMap<string, Integration>, domains: ReadonlyArray<string | null>) {
  const byHost = new Map<string, Integration>();
  for (const domain of domains) {
    if (!domain) continue;
    for (const integration of catalog.values()) {
      byHost.set(proxyHost(integration, domain).toLowerCase(), integration);
    }
  }

  return function route(req: IncomingMessage): ProxyRoute | null {
    const url = req.url ?? "/";
    const host = (req.headers.host ?? "").toLowerCase().replace(/:\d+$/, "");
    const byHostIntegration = byHost.get(host);
    if (byHostIntegration) return split(byHostIntegration, url);
    if (!url.startsWith("/proxy/")) return null;
    const rest = url.slice("/proxy/".length);
    const cut = rest.search(/[/?]/);
    const slug = cut === -1 ? rest : rest.slice(0, cut);
    const integration = catalog.get(slug);
    return split(integration ?? null, cut === -1 ? "/" : rest.slice(cut));
  };
}

function split(integration: Integration | null, target: string): ProxyRoute {
  // Absolute-form targets (`http://evil/…`) do not start with "/": they match no path.
  const q = target.indexOf("?");
  return {
    integration,
    path: q === -1 ? target : target.slice(0, q),
    query: q === -1 ? "" : target.slice(q + 1),
  };
}
