import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { setTenantStatus } from "./setTenantStatus.js";

export const suspendTenant = defineRoute(endpoints.suspendTenant, async ({ params }, ctx) => setTenantStatus(ctx, params.id, "suspended"));
