import { newId } from "../../../security/apiKeys.js";
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { mintDeploymentToken } from "../../deploymentToken.js";
import { actingTenant } from "../../scope.js";
import { requireTenant } from "../tenants/requireTenant.js";
import { deploymentView } from "./deploymentViews.js";

export const createDeployment = defineRoute(endpoints.createDeployment, async ({ body, caller }, ctx) => {
  const tenantId = actingTenant(caller, body.tenant_id);
  await requireTenant(ctx, caller, tenantId);
  const token = mintDeploymentToken(ctx.secrets);
  const row = { id: newId("dep"), tenant_id: tenantId, name: body.name, created_at: BigInt(Date.now()), deleted_at: null, ...token.columns };
  await ctx.store.db.insertInto("deployments").values(row).execute();
  return { ...(await deploymentView(ctx, row)), token: token.plaintext };
});
