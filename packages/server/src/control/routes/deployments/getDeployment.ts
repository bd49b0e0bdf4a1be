import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { deploymentView } from "./deploymentViews.js";
import { findDeployment } from "./findDeployment.js";

export const getDeployment = defineRoute(endpoints.getDeployment, async ({ params, caller }, ctx) =>
  deploymentView(ctx, await findDeployment(ctx, caller, params.id)),
);
