import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { assertVisible } from "../../scope.js";
import { loadTenantView } from "./tenantView.js";

export const getTenant = defineRoute(endpoints.getTenant, async ({ params, caller }, ctx) => {
  assertVisible(caller, params.id, `Tenant ${params.id} not found.`);
  return loadTenantView(ctx, params.id);
});
