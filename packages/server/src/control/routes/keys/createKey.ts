import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { actingTenant } from "../../scope.js";
import { requireTenant } from "../tenants/requireTenant.js";
import { insertApiKey } from "./insertApiKey.js";
import { keyViewOf } from "./keyView.js";
import { requireIntegration } from "./requireIntegration.js";

export const createKey = defineRoute(endpoints.createKey, async ({ body, caller }, ctx) => {
  const tenantId = actingTenant(caller, body.tenant_id);
  await requireTenant(ctx, caller, tenantId);
  requireIntegration(ctx, body.integration, "body.integration");
  if (body.deployment_id !== undefined) {
    const deployment = await ctx.store.db
      .selectFrom("deployments")
      .select("id")
      .where("id", "=", body.deployment_id)
      .where("tenant_id", "=", tenantId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!deployment) throw controlError("invalid_request", `Invalid body.deployment_id: no live deployment ${body.deployment_id} for this tenant.`);
  }
  if (body.expires_at !== undefined && body.expires_at <= Date.now()) {
    throw controlError("invalid_request", "Invalid body.expires_at: must be in the future.");
  }
  const { row, plaintext } = await insertApiKey(ctx.store.db, {
    tenantId,
    integration: body.integration,
    deploymentId: body.deployment_id ?? null,
    name: body.name,
    limitAmount: body.limit ?? null,
    limitReset: body.limit_reset,
    rpm: body.rpm ?? null,
    tpm: body.tpm ?? null,
    models: body.models ?? null,
    allowedOrigins: body.allowed_origins ?? null,
    expiresAt: body.expires_at ?? null,
    fitToBalance: body.fit_to_balance ?? false,
  });
  return { ...(await keyViewOf(ctx, row)), key: plaintext };
});
