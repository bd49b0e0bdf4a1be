// Tenants and their management keys (operator), and "who am I" for any caller.
import { z } from "zod";
import { balanceView, idParams, listOf, resourceId, timestamp } from "./common.js";
import { defineEndpointList } from "./endpoint.js";

export const tenantStatus = z.enum(["active", "suspended"]);

export const tenantView = z.object({
  id: z.string(),
  name: z.string(),
  status: tenantStatus,
  created_at: timestamp,
  balance: balanceView,
});

export const managementKeyView = z.object({
  id: z.string(),
  tenant_id: z.string(),
  name: z.string(),
  prefix: z.string(),
  created_at: timestamp,
  revoked_at: timestamp.nullable(),
});

export const createdManagementKey = managementKeyView.extend({
  key: z.string().describe("The vendo_mk_ key in plaintext: shown once, never again."),
});

export const whoamiView = z.object({
  kind: z.enum(["operator", "tenant", "deployment"]),
  tenant_id: z.string().nullable(),
  deployment_id: z.string().nullable(),
});

const name = z.string({ error: "must be a string" }).trim().min(1, { error: "must not be empty" }).max(200);

export const tenantEndpoints = defineEndpointList({
  whoami: {
    operationId: "whoami",
    method: "GET",
    path: "/api/v1/whoami",
    access: "tenant",
    summary: "Who the bearer is: the operator, or a tenant's management key (with its tenant id).",
    response: whoamiView,
  },
  createTenant: {
    operationId: "createTenant",
    method: "POST",
    path: "/api/v1/tenants",
    access: "operator",
    summary: "Create a tenant and open its balance account (balance 0).",
    body: z.object({ name }).strict(),
    response: tenantView,
    status: 201,
  },
  listTenants: {
    operationId: "listTenants",
    method: "GET",
    path: "/api/v1/tenants",
    access: "operator",
    summary: "Every tenant with its balance.",
    query: z.object({ name: z.string().optional() }),
    response: listOf(tenantView),
  },
  getTenant: {
    operationId: "getTenant",
    method: "GET",
    path: "/api/v1/tenants/:id",
    access: "tenant",
    summary: "One tenant with its balance (a management key sees only its own tenant).",
    params: idParams,
    response: tenantView,
  },
  suspendTenant: {
    operationId: "suspendTenant",
    method: "POST",
    path: "/api/v1/tenants/:id/suspend",
    access: "operator",
    summary: "Suspend a tenant: the proxy refuses its keys (within a second).",
    params: idParams,
    response: tenantView,
  },
  resumeTenant: {
    operationId: "resumeTenant",
    method: "POST",
    path: "/api/v1/tenants/:id/resume",
    access: "operator",
    summary: "Resume a suspended tenant.",
    params: idParams,
    response: tenantView,
  },
  createManagementKey: {
    operationId: "createManagementKey",
    method: "POST",
    path: "/api/v1/tenants/:id/management-keys",
    access: "operator",
    summary: "Mint a vendo_mk_ management key for the tenant; the plaintext is returned once.",
    params: idParams,
    body: z.object({ name: name.optional() }).strict().optional(),
    response: createdManagementKey,
    status: 201,
  },
  listManagementKeys: {
    operationId: "listManagementKeys",
    method: "GET",
    path: "/api/v1/tenants/:id/management-keys",
    access: "operator",
    summary: "The tenant's management keys (prefix only).",
    params: idParams,
    response: listOf(managementKeyView),
  },
  revokeManagementKey: {
    operationId: "revokeManagementKey",
    method: "DELETE",
    path: "/api/v1/tenants/:id/management-keys/:keyId",
    access: "operator",
    summary: "Revoke a management key: it is refused from then on.",
    params: z.object({ id: resourceId, keyId: resourceId }),
    response: managementKeyView,
  },
});
