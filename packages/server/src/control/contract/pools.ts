// The operator's side of integrations: pooled upstream credentials and markup.
import { z } from "zod";
import { idParams, listOf, timestamp } from "./common.js";
import { defineEndpointList } from "./endpoint.js";

export const poolCredentialView = z.object({
  id: z.string(),
  integration: z.string(),
  label: z.string(),
  last4: z.string(),
  masked: z.string().describe("…wxyz: the secret itself is never returned."),
  disabled: z.boolean(),
  created_at: timestamp,
  disabled_at: timestamp.nullable(),
});

export const integrationView = z.object({
  slug: z.string(),
  name: z.string(),
  proxy_url: z.string().describe("The integration's proxy endpoint, without the API base path."),
  profiles: z.array(z.object({ id: z.string(), label: z.string(), default: z.boolean(), credential: z.string() })),
  markup_bps: z.number().int(),
});

export const markupView = z.object({ integration: z.string(), markup_bps: z.number().int(), updated_at: timestamp });

const slugParams = z.object({ slug: z.string().min(1) });

export const poolEndpoints = defineEndpointList({
  addPoolCredential: {
    operationId: "addPoolCredential",
    method: "POST",
    path: "/api/v1/pool-credentials",
    access: "operator",
    summary: "Add an upstream credential to an integration's pool (stored encrypted; only its last 4 characters are shown).",
    body: z
      .object({
        integration: z.string({ error: "must be an integration slug" }),
        label: z.string({ error: "must be a string" }).trim().min(1).max(200).optional(),
        secret: z.string({ error: "must be the upstream key (a string)" }).trim().min(8, { error: "is too short to be an upstream key" }),
      })
      .strict(),
    response: poolCredentialView,
    status: 201,
  },
  listPoolCredentials: {
    operationId: "listPoolCredentials",
    method: "GET",
    path: "/api/v1/pool-credentials",
    access: "operator",
    summary: "Pool credentials, masked.",
    query: z.object({ integration: z.string().optional() }),
    response: listOf(poolCredentialView),
  },
  disablePoolCredential: {
    operationId: "disablePoolCredential",
    method: "POST",
    path: "/api/v1/pool-credentials/:id/disable",
    access: "operator",
    summary: "Take a credential out of the pool.",
    params: idParams,
    response: poolCredentialView,
  },
  listIntegrations: {
    operationId: "listIntegrations",
    method: "GET",
    path: "/api/v1/integrations",
    access: "tenant",
    summary: "The catalog's integrations with their proxy URL, profiles and markup.",
    response: listOf(integrationView),
  },
  setMarkup: {
    operationId: "setMarkup",
    method: "PUT",
    path: "/api/v1/integrations/:slug/markup",
    access: "operator",
    summary: "Set the markup (basis points, 100 = 1%) the proxy adds to an integration's upstream cost.",
    params: slugParams,
    body: z
      .object({
        markup_bps: z
          .number({ error: "must be a whole number of basis points" })
          .int({ error: "must be a whole number of basis points" })
          .min(0, { error: "must not be negative" })
          .max(1_000_000),
      })
      .strict(),
    response: markupView,
  },
});
