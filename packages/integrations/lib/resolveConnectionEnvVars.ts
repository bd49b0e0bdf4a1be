// Turns a connection record plus a deployment context into the env vars Vendo injects at boot.
// Named by the OpenRouter integration page; every integration goes through it.
import { CatalogError } from "../src/errors.js";
import { envVarAppliesTo } from "../src/integration.js";
import type { EnvVar, Integration } from "../src/schema.js";

export interface ConnectionRecord {
  profile: string;
  /** The tenant's own upstream key (bring-your-own-key profiles only). Never placed in an env var. */
  credential?: string | null;
  metadata?: Readonly<Record<string, string>>;
}

export interface DeploymentContext {
  /** The integration's proxy endpoint, without the API base path (e.g. https://openrouter-proxy.vendo.run). */
  proxyUrl: string;
  /** The deployment's Vendo-issued key for this integration (vendo_sk_…). */
  apiKey: string;
}

export interface ResolvedEnvVar {
  name: string;
  value: string;
  secret: boolean;
}

export function resolveConnectionEnvVars(
  integration: Integration,
  connection: ConnectionRecord,
  context: DeploymentContext,
): ResolvedEnvVar[] {
  const profile = integration.profiles.find((p) => p.id === connection.profile);
  if (!profile) {
    throw new CatalogError(
      "UNKNOWN_PROFILE",
      `Unknown profile "${connection.profile}" for ${integration.slug}; expected one of ${integration.profiles.map((p) => p.id).join(", ")}.`,
    );
  }
  if (profile.credential === "tenant" && !connection.credential) {
    throw new CatalogError(
      "MISSING_CREDENTIAL",
      `Profile "${profile.id}" of ${integration.slug} needs the tenant's own upstream credential on the connection.`,
    );
  }
  return integration.envVars
    .filter((v) => envVarAppliesTo(v, profile.id))
    .map((v) => ({ name: v.name, value: sourceValue(integration, v, connection, context), secret: v.secret }));
}

function sourceValue(integration: Integration, v: EnvVar, connection: ConnectionRecord, context: DeploymentContext): string {
  switch (v.source) {
    case "vendo_api_key":
      // In every profile the app holds the Vendo key; for BYO the proxy swaps in the tenant's key upstream.
      return required(context.apiKey, "apiKey", v.name);
    case "proxy_base_url":
      return required(context.proxyUrl, "proxyUrl", v.name).replace(/\/+$/, "") + integration.proxy.basePath;
    case "connection_metadata": {
      const key = v.metadataKey as string;
      const value = connection.metadata?.[key];
      if (!value) {
        throw new CatalogError("MISSING_METADATA", `${v.name} needs metadata.${key} on the ${integration.slug} connection.`);
      }
      return value;
    }
  }
}

function required(value: string | undefined, field: keyof DeploymentContext, envName: string): string {
  if (!value) throw new CatalogError("MISSING_CONTEXT", `${envName} needs the deployment context's ${field}.`);
  return value;
}
