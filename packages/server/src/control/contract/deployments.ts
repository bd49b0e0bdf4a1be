// Deployments, their tokens, their connections to integrations and the env vars injected at boot.
import { z } from "zod";
import { idParams, listOf, queryFlag, resourceId, timestamp } from "./common.js";
import { defineEndpointList } from "./endpoint.js";

export const connectionView = z.object({
  id: z.string(),
  tenant_id: z.string(),
  deployment_id: z.string(),
  integration: z.string(),
  profile: z.string(),
  metadata: z.record(z.string(), z.string()),
  has_credential: z.boolean().describe("Whether a tenant credential (bring-your-own-key) is stored, encrypted."),
  api_key_id: z.string(),
  api_key_prefix: z.string(),
  created_at: timestamp,
  deleted_at: timestamp.nullable(),
});

export const deploymentView = z.object({
  id: z.string(),
  tenant_id: z.string(),
  name: z.string(),
  token_prefix: z.string().nullable(),
  created_at: timestamp,
  deleted_at: timestamp.nullable(),
  connections: z.array(connectionView).describe("Live connections."),
});

export const deploymentToken = z.object({
  deployment_id: z.string(),
  token: z.string().describe("vendo_dt_…: authorizes only GET /deployments/<this id>/env."),
  prefix: z.string(),
});

export const createdDeployment = deploymentView.extend({
  token: z.string().describe("The deployment token (vendo_dt_…), shown here once; GET/POST /deployments/:id/token retrieve or rotate it."),
});

export const envVarView = z.object({
  name: z.string(),
  value: z.string().describe("Secret values are masked unless reveal=true."),
  secret: z.boolean(),
  integration: z.string(),
});

export const envList = listOf(envVarView);

export const createdConnection = z.object({
  connection: connectionView,
  api_key: z.string().describe("The deployment's vendo_sk_ key for this integration (also injected by `vendo run`)."),
  env: z.array(envVarView).describe("The env vars this connection injects, revealed."),
});

const deploymentName = z.string({ error: "must be a string" }).trim().min(1, { error: "must not be empty" }).max(200);
const connectionParams = z.object({ id: resourceId, integration: z.string().min(1) });

export const deploymentEndpoints = defineEndpointList({
  createDeployment: {
    operationId: "createDeployment",
    method: "POST",
    path: "/api/v1/deployments",
    access: "tenant",
    summary: "Create a deployment; its token (vendo_dt_…) is returned.",
    body: z.object({ tenant_id: resourceId.optional(), name: deploymentName }).strict(),
    response: createdDeployment,
    status: 201,
  },
  listDeployments: {
    operationId: "listDeployments",
    method: "GET",
    path: "/api/v1/deployments",
    access: "tenant",
    summary: "Live deployments with their connections.",
    query: z.object({ tenant_id: resourceId.optional(), name: z.string().optional() }),
    response: listOf(deploymentView),
  },
  getDeployment: {
    operationId: "getDeployment",
    method: "GET",
    path: "/api/v1/deployments/:id",
    access: "tenant",
    summary: "One deployment with its connections.",
    params: idParams,
    response: deploymentView,
  },
  deleteDeployment: {
    operationId: "deleteDeployment",
    method: "DELETE",
    path: "/api/v1/deployments/:id",
    access: "tenant",
    summary: "Delete a deployment: its connections end, their keys are deleted, its token is refused.",
    params: idParams,
    response: deploymentView,
  },
  getDeploymentToken: {
    operationId: "getDeploymentToken",
    method: "GET",
    path: "/api/v1/deployments/:id/token",
    access: "tenant",
    summary: "The deployment's current token (what `vendo run` passes as VENDO_DEPLOYMENT_TOKEN).",
    params: idParams,
    response: deploymentToken,
  },
  rotateDeploymentToken: {
    operationId: "rotateDeploymentToken",
    method: "POST",
    path: "/api/v1/deployments/:id/token",
    access: "tenant",
    summary: "Mint a new deployment token; the previous one is refused from then on.",
    params: idParams,
    response: deploymentToken,
    status: 201,
  },
  createConnection: {
    operationId: "createConnection",
    method: "POST",
    path: "/api/v1/deployments/:id/connections",
    access: "tenant",
    summary:
      "Connect an integration to the deployment: mints the deployment's vendo_sk_ key for it. " +
      "One live connection per integration (409 otherwise).",
    params: idParams,
    body: z
      .object({
        integration: z.string({ error: "must be an integration slug" }),
        profile: z.string({ error: "must be a profile id" }).optional().describe("Default: the integration's default profile."),
        credential: z
          .string({ error: "must be a string" })
          .min(1, { error: "must not be empty" })
          .optional()
          .describe("The tenant's own upstream key, for profiles that take one (stored encrypted)."),
        metadata: z.record(z.string(), z.string({ error: "values must be strings" }), { error: "must be an object of strings" }).optional(),
      })
      .strict(),
    response: createdConnection,
    status: 201,
  },
  listConnections: {
    operationId: "listConnections",
    method: "GET",
    path: "/api/v1/deployments/:id/connections",
    access: "tenant",
    summary: "The deployment's live connections.",
    params: idParams,
    response: listOf(connectionView),
  },
  deleteConnection: {
    operationId: "deleteConnection",
    method: "DELETE",
    path: "/api/v1/deployments/:id/connections/:integration",
    access: "tenant",
    summary: "End the deployment's connection to an integration; its key is disabled.",
    params: connectionParams,
    response: connectionView,
  },
  getDeploymentEnv: {
    operationId: "getDeploymentEnv",
    method: "GET",
    path: "/api/v1/deployments/:id/env",
    access: "deployment",
    summary:
      "The env vars injected at boot, for every live connection (resolveConnectionEnvVars). Secret values are " +
      "masked unless reveal=true. Callable with the deployment's own token.",
    params: idParams,
    query: z.object({ reveal: queryFlag }),
    response: envList,
  },
});
