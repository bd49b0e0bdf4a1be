// Ends a deployment's connection to an integration and disables (and retires) its key; the change
// feed carries it to every proxy instance, which refuses the key from then on.
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { isoTime } from "../../time.js";
import { liveConnections } from "./deploymentViews.js";
import { findDeployment } from "./findDeployment.js";

export const deleteConnection = defineRoute(endpoints.deleteConnection, async ({ params, caller }, ctx) => {
  const deployment = await findDeployment(ctx, caller, params.id);
  const view = (await liveConnections(ctx, [deployment.id])).find((c) => c.integration === params.integration);
  if (!view) throw controlError("not_found", `Deployment ${deployment.id} has no connection to ${params.integration}.`);
  const now = BigInt(Date.now());
  await ctx.store.db.transaction().execute(async (tx) => {
    await tx.updateTable("connections").set({ deleted_at: now }).where("id", "=", view.id).execute();
    await tx
      .updateTable("api_keys")
      .set((eb) => ({ disabled_at: eb.fn.coalesce("disabled_at", eb.val(now)), deleted_at: eb.fn.coalesce("deleted_at", eb.val(now)), updated_at: now }))
      .where("id", "=", view.api_key_id)
      .execute();
  });
  return { ...view, deleted_at: isoTime(now) };
});
