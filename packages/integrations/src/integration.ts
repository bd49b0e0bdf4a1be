// Questions asked of one validated integration. The catalog checks (load.ts) guarantee the
// invariants these rely on: exactly one default profile, exactly one env var per SDK-read source.
import type { AdapterKind, EnvVar, Integration, Profile } from "./schema.js";

export function defaultProfile(integration: Integration): Profile {
  return integration.profiles.find((p) => p.default) as Profile;
}

export function envVarAppliesTo(envVar: EnvVar, profileId: string): boolean {
  return envVar.profiles === "all" || envVar.profiles.includes(profileId);
}

/** The env var holding the app's Vendo-issued key (OPENROUTER_API_KEY): what vendo.token(slug) reads. */
export function tokenEnvVar(integration: Integration): EnvVar {
  return integration.envVars.find((v) => v.source === "vendo_api_key") as EnvVar;
}

/** The env var holding the proxy base URL (OPENROUTER_BASE_URL): what vendo.baseUrl(slug) reads. */
export function baseUrlEnvVar(integration: Integration): EnvVar {
  return integration.envVars.find((v) => v.source === "proxy_base_url") as EnvVar;
}

/** The public host of an integration's proxy, e.g. openrouter-proxy.vendo.run. */
export function proxyHost(integration: Integration, domain: string): string {
  return integration.proxy.hostPattern.replace("{slug}", integration.slug).replace("{domain}", domain);
}

/** The provider's own API base URL, used in OSS mode: https://openrouter.ai/api/v1. */
export function providerBaseUrl(integration: Integration): string {
  return integration.upstream.baseUrl.replace(/\/+$/, "") + integration.proxy.basePath;
}

/** The adapter that serves an integration: its own, or the generic per-call one. */
export function adapterKind(integration: Integration): AdapterKind {
  return integration.adapter ?? "per_call";
}
