// Suspend and resume share this. The status change reaches every proxy instance through the
// change feed (a trigger records it; see store/changeFeed.ts), which drops the tenant's keys.
import type { ServerContext } from "../../../context.js";
import type { TenantsTable } from "../../../store/schema.js";
import { controlError } from "../../errors.js";
import { loadTenantView, type TenantView } from "./tenantView.js";

export async function setTenantStatus(ctx: ServerContext, id: string, status: TenantsTable["status"]): Promise<TenantView> {
  const changed = await ctx.store.db.updateTable("tenants").set({ status }).where("id", "=", id).executeTakeFirst();
  if (changed.numUpdatedRows === 0n) throw controlError("not_found", `Tenant ${id} not found.`);
  return loadTenantView(ctx, id);
}
