import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";

export const whoami = defineRoute(endpoints.whoami, async ({ caller }) => ({
  kind: caller.kind,
  tenant_id: caller.kind === "operator" ? null : caller.tenantId,
  deployment_id: caller.kind === "deployment" ? caller.deploymentId : null,
}));
