import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { liveConnections } from "./deploymentViews.js";
import { findDeployment } from "./findDeployment.js";

export const listConnections = defineRoute(endpoints.listConnections, async ({ params, caller }, ctx) => {
  const deployment = await findDeployment(ctx, caller, params.id);
  return { data: await liveConnections(ctx, [deployment.id]) };
});
