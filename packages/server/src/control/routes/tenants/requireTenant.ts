// The check before any route reads or writes a tenant's data: it exists and the caller may see it.
import type { ServerContext } from "../../../context.js";
import type { Caller } from "../../auth.js";
import { controlError } from "../../errors.js";
import { assertVisible } from "../../scope.js";

/** Throws not_found unless the tenant exists and the caller may see it (before reading or writing its data). */
export async function requireTenant(ctx: ServerContext, caller: Caller, tenantId: string): Promise<void> {
  const notFound = `Tenant ${tenantId} not found.`;
  assertVisible(caller, tenantId, notFound);
  const row = await ctx.store.db.selectFrom("balances").select("tenant_id").where("tenant_id", "=", tenantId).executeTakeFirst();
  if (!row) throw controlError("not_found", notFound);
}
