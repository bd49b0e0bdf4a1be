import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { managementKeyViewOf } from "./managementKeyView.js";

export const revokeManagementKey = defineRoute(endpoints.revokeManagementKey, async ({ params }, ctx) => {
  const db = ctx.store.db;
  const find = () =>
    db
      .selectFrom("management_keys")
      .select(["id", "tenant_id", "name", "prefix", "created_at", "revoked_at"])
      .where("id", "=", params.keyId)
      .where("tenant_id", "=", params.id)
      .executeTakeFirst();
  const row = await find();
  if (!row) throw controlError("not_found", `Management key ${params.keyId} of tenant ${params.id} not found.`);
  if (row.revoked_at === null) {
    await db.updateTable("management_keys").set({ revoked_at: BigInt(Date.now()) }).where("id", "=", row.id).where("revoked_at", "is", null).execute();
  }
  return managementKeyViewOf((await find()) ?? row);
});
