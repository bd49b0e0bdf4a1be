// Boot injection: the env a deployment starts with. Its integrations' vars (revealed) from the
// control API, plus VENDO_MODE, VENDO_DEPLOYMENT_ID, VENDO_API_URL and VENDO_DEPLOYMENT_TOKEN (so
// the SDK can ask the control API itself). The operator's and tenant's credentials are removed:
// the app gets only what its deployment may use.
import { endpoints } from "../control/contract/index.js";
import type { ControlClient } from "./client.js";

export const CALLER_CREDENTIAL_VARS = ["VENDO_ADMIN_TOKEN", "VENDO_MANAGEMENT_KEY"] as const;

/** The boot env, and the integrations it carries variables of (their slugs). */
export async function deploymentBootEnv(
  client: ControlClient,
  deploymentId: string,
  deploymentToken: string | undefined,
): Promise<{ env: Record<string, string>; integrations: string[] }> {
  const { data } = await client.call(endpoints.getDeploymentEnv, { params: { id: deploymentId }, query: { reveal: "true" } });
  const token = deploymentToken ?? (await client.call(endpoints.getDeploymentToken, { params: { id: deploymentId } })).token;
  const env = {
    ...Object.fromEntries(data.map((v) => [v.name, v.value])),
    VENDO_MODE: "vendo",
    VENDO_DEPLOYMENT_ID: deploymentId,
    VENDO_API_URL: client.apiUrl,
    VENDO_DEPLOYMENT_TOKEN: token,
  };
  return { env, integrations: [...new Set(data.map((v) => v.integration))] };
}

export function childEnv(parent: NodeJS.ProcessEnv, injected: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent, ...injected };
  for (const name of CALLER_CREDENTIAL_VARS) delete env[name];
  return env;
}
