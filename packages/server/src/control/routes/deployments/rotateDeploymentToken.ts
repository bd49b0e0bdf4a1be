import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { mintDeploymentToken } from "../../deploymentToken.js";
import { findDeployment } from "./findDeployment.js";

export const rotateDeploymentToken = defineRoute(endpoints.rotateDeploymentToken, async ({ params, caller }, ctx) => {
  const row = await findDeployment(ctx, caller, params.id);
  const token = mintDeploymentToken(ctx.secrets);
  await ctx.store.db.updateTable("deployments").set(token.columns).where("id", "=", row.id).execute();
  return { deployment_id: row.id, token: token.plaintext, prefix: token.columns.token_prefix };
});
