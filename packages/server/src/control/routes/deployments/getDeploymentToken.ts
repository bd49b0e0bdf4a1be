import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { findDeployment } from "./findDeployment.js";

export const getDeploymentToken = defineRoute(endpoints.getDeploymentToken, async ({ params, caller }, ctx) => {
  const row = await findDeployment(ctx, caller, params.id);
  if (row.token_enc === null || row.token_prefix === null) {
    throw controlError("not_found", `Deployment ${params.id} has no token yet; create one with POST /api/v1/deployments/${params.id}/token.`);
  }
  return { deployment_id: row.id, token: ctx.secrets.open(row.token_enc), prefix: row.token_prefix };
});
