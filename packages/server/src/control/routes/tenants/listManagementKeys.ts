import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { requireTenant } from "./requireTenant.js";
import { managementKeyViewOf } from "./managementKeyView.js";

export const listManagementKeys = defineRoute(endpoints.listManagementKeys, async ({ params, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  const rows = await ctx.store.db
    .selectFrom("management_keys")
    .select(["id", "tenant_id", "name", "prefix", "created_at", "revoked_at"])
    .where("tenant_id", "=", params.id)
    .orderBy("created_at")
    .execute();
  return { data: rows.map(managementKeyViewOf) };
});
