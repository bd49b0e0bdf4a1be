import type { ServerContext } from "../../../context.js";
import type { ApiKeysTable } from "../../../store/schema.js";
import type { Caller } from "../../auth.js";
import { controlError } from "../../errors.js";
import { nextUpdatedAt } from "../../time.js";
import { assertVisible } from "../../scope.js";

/** The key if the caller may see it; not_found otherwise (another tenant's key included). */
export async function findKey(ctx: ServerContext, caller: Caller, id: string): Promise<ApiKeysTable> {
  const row = await ctx.store.db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
  const notFound = `Key ${id} not found.`;
  if (!row) throw controlError("not_found", notFound);
  assertVisible(caller, row.tenant_id, notFound);
  return row;
}

/** As findKey, and refuses deleted keys (they cannot change any more). */
export async function findLiveKey(ctx: ServerContext, caller: Caller, id: string): Promise<ApiKeysTable> {
  const row = await findKey(ctx, caller, id);
  if (row.deleted_at !== null) throw controlError("resource_deleted", `Key ${id} was deleted; it cannot change any more.`);
  return row;
}

/** Applies a change to a key and bumps updated_at (shown to users; the proxy follows the change feed), returning the new row. */
export async function changeKey(ctx: ServerContext, row: ApiKeysTable, set: Partial<ApiKeysTable>): Promise<ApiKeysTable> {
  const updated_at = nextUpdatedAt(row.updated_at);
  await ctx.store.db.updateTable("api_keys").set({ ...set, updated_at }).where("id", "=", row.id).execute();
  return ctx.store.db.selectFrom("api_keys").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
}
