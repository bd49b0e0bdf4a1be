// Suspend and resume share this: the status changes and every key of the tenant is touched
// (updated_at) in the same transaction, so each proxy instance reloads them within a second.
import type { ServerContext } from "../../../context.js";
import type { TenantsTable } from "../../../store/schema.js";
import { controlError } from "../../errors.js";
import { loadTenantView, type TenantView } from "./tenantView.js";

export async function setTenantStatus(ctx: ServerContext, id: string, status: TenantsTable["status"]): Promise<TenantView> {
  const now = BigInt(Date.now());
  await ctx.store.db.transaction().execute(async (tx) => {
    const changed = await tx.updateTable("tenants").set({ status }).where("id", "=", id).executeTakeFirst();
    if (changed.numUpdatedRows === 0n) throw controlError("not_found", `Tenant ${id} not found.`);
    await tx.updateTable("api_keys").set({ updated_at: now }).where("tenant_id", "=", id).execute();
  });
  return loadTenantView(ctx, id);
}
