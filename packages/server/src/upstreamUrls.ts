// Where each integration's upstream is: the catalog's base URL, unless configuration overrides it
// (a sandbox, a staging upstream). Worked out once per integration: it is asked on every call.
import { getIntegration } from "@vendo/integrations";
import type { Integration } from "@vendo/integrations";
import { upstreamEnvName } from "./config/settings.js";

/** Overrides from the environment (VENDO_UPSTREAM_<SLUG>_URL), for the CLI's direct store access. */
export function upstreamOverridesFromEnv(env: NodeJS.ProcessEnv, catalog: ReadonlyMap<string, Integration>): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const slug of catalog.keys()) {
    const value = env[upstreamEnvName(slug)];
    if (value) overrides[slug] = value;
  }
  return overrides;
}

/** slug → upstream base URL without a trailing slash; an unknown slug throws. */
export function createUpstreamUrlResolver(overrides: Record<string, string>, catalog: ReadonlyMap<string, Integration>): (slug: string) => string {
  const resolved = new Map<string, string>();
  return (slug) => {
    let url = resolved.get(slug);
    if (url === undefined) {
      url = (overrides[slug] ?? getIntegration(slug, catalog).upstream.baseUrl).replace(/\/+$/, "");
      resolved.set(slug, url);
    }
    return url;
  };
}
