import type { ServerContext } from "../../../context.js";
import type { DeploymentsTable } from "../../../store/schema.js";
import type { Caller } from "../../auth.js";
import { controlError } from "../../errors.js";
import { assertVisible } from "../../scope.js";

/** A live deployment the caller may see; not_found otherwise (deleted or another tenant's included). */
export async function findDeployment(ctx: ServerContext, caller: Caller, id: string): Promise<DeploymentsTable> {
  const row = await ctx.store.db.selectFrom("deployments").selectAll().where("id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
  const notFound = `Deployment ${id} not found.`;
  if (!row) throw controlError("not_found", notFound);
  assertVisible(caller, row.tenant_id, notFound);
  return row;
}
