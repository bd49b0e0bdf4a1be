import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { tenantsWithBalance, tenantViewOf } from "./tenantView.js";

export const listTenants = defineRoute(endpoints.listTenants, async ({ query }, ctx) => {
  let q = tenantsWithBalance(ctx).orderBy("tenants.created_at").orderBy("tenants.id");
  if (query.name !== undefined) q = q.where("tenants.name", "=", query.name);
  return { data: (await q.execute()).map(tenantViewOf) };
});
