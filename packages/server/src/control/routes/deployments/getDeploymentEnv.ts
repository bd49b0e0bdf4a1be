import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { deploymentEnv } from "./deploymentEnv.js";
import { findDeployment } from "./findDeployment.js";

export const getDeploymentEnv = defineRoute(endpoints.getDeploymentEnv, async ({ params, query, caller }, ctx) => {
  const row = await findDeployment(ctx, caller, params.id);
  return { data: await deploymentEnv(ctx, row.id, query.reveal) };
});
