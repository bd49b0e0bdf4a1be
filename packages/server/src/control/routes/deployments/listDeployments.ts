import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { listingTenant } from "../../scope.js";
import { deploymentViews } from "./deploymentViews.js";

export const listDeployments = defineRoute(endpoints.listDeployments, async ({ query, caller }, ctx) => {
  const tenantId = listingTenant(caller, query.tenant_id);
  let q = ctx.store.db.selectFrom("deployments").selectAll().where("deleted_at", "is", null).orderBy("created_at").orderBy("id");
  if (tenantId !== null) q = q.where("tenant_id", "=", tenantId);
  if (query.name !== undefined) q = q.where("name", "=", query.name);
  return { data: await deploymentViews(ctx, await q.execute()) };
});
