import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { setTenantStatus } from "./setTenantStatus.js";

export const resumeTenant = defineRoute(endpoints.resumeTenant, async ({ params }, ctx) => setTenantStatus(ctx, params.id, "active"));
