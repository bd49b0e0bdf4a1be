// What the SDKs need to know about each integration, taken from the catalog (DESIGN §5).
import { baseUrlEnvVar, providerBaseUrl, tokenEnvVar } from "../integration.js";
import type { Integration } from "../schema.js";

export interface SdkFacts {
  slug: string;
  /** Display name, for error messages ("your OpenRouter API key"). */
  name: string;
  /** The env var holding the token: source vendo_api_key. */
  tokenEnv: string;
  /** The env var holding the base URL: source proxy_base_url. */
  baseUrlEnv: string;
  /** The provider's own API base URL, used in OSS mode when the base-URL var is unset. */
  providerBaseUrl: string;
}

export function sdkFacts(catalog: ReadonlyMap<string, Integration>): SdkFacts[] {
  return [...catalog.values()]
    .sort((a, b) => a.slug.localeCompare(b.slug))
    .map((i) => ({
      slug: i.slug,
      name: i.name,
      tokenEnv: tokenEnvVar(i).name,
      baseUrlEnv: baseUrlEnvVar(i).name,
      providerBaseUrl: providerBaseUrl(i),
    }));
}

/** A string literal valid in both TypeScript and Python (JSON escapes are a subset of both). */
export const literal = (value: string): string => JSON.stringify(value);
