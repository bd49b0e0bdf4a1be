import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { listingTenant } from "../../scope.js";
import { keyViewsOf } from "./keyView.js";

export const listKeys = defineRoute(endpoints.listKeys, async ({ query, caller }, ctx) => {
  const tenantId = listingTenant(caller, query.tenant_id);
  let q = ctx.store.db.selectFrom("api_keys").selectAll().orderBy("created_at").orderBy("id");
  if (tenantId !== null) q = q.where("tenant_id", "=", tenantId);
  if (query.deployment_id !== undefined) q = q.where("deployment_id", "=", query.deployment_id);
  if (!query.include_deleted) q = q.where("deleted_at", "is", null);
  return { data: await keyViewsOf(ctx, await q.execute()) };
});
