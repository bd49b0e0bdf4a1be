// Ends a deployment's connection to an integration and disables (and retires) its key, touching
// updated_at so the proxy refuses it within a second.
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { connectionViewOf } from "./deploymentViews.js";
import { findDeployment } from "./findDeployment.js";

export const deleteConnection = defineRoute(endpoints.deleteConnection, async ({ params, caller }, ctx) => {
  const deployment = await findDeployment(ctx, caller, params.id);
  const row = await ctx.store.db
    .selectFrom("connections")
    .innerJoin("api_keys", "api_keys.id", "connections.api_key_id")
    .selectAll("connections")
    .select("api_keys.prefix as api_key_prefix")
    .where("connections.deployment_id", "=", deployment.id)
    .where("connections.integration", "=", params.integration)
    .where("connections.deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) throw controlError("not_found", `Deployment ${deployment.id} has no connection to ${params.integration}.`);
  const now = BigInt(Date.now());
  await ctx.store.db.transaction().execute(async (tx) => {
    await tx.updateTable("connections").set({ deleted_at: now }).where("id", "=", row.id).execute();
    await tx
      .updateTable("api_keys")
      .set((eb) => ({ disabled_at: eb.fn.coalesce("disabled_at", eb.val(now)), deleted_at: eb.fn.coalesce("deleted_at", eb.val(now)), updated_at: now }))
      .where("id", "=", row.api_key_id)
      .execute();
  });
  const { api_key_prefix, ...connection } = row;
  return connectionViewOf({ ...connection, deleted_at: now }, api_key_prefix);
});
