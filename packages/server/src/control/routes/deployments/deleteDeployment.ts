// Deleting a deployment ends its connections and deletes their keys (the change feed carries it
// to every proxy instance); its token is refused from then on (auth checks deleted_at).
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { isoTime } from "../../time.js";
import { deploymentView } from "./deploymentViews.js";
import { findDeployment } from "./findDeployment.js";

export const deleteDeployment = defineRoute(endpoints.deleteDeployment, async ({ params, caller }, ctx) => {
  const row = await findDeployment(ctx, caller, params.id);
  const view = await deploymentView(ctx, row);
  const now = BigInt(Date.now());
  await ctx.store.db.transaction().execute(async (tx) => {
    await tx.updateTable("deployments").set({ deleted_at: now }).where("id", "=", row.id).execute();
    await tx.updateTable("connections").set({ deleted_at: now }).where("deployment_id", "=", row.id).where("deleted_at", "is", null).execute();
    await tx
      .updateTable("api_keys")
      .set((eb) => ({ deleted_at: eb.fn.coalesce("deleted_at", eb.val(now)), updated_at: now }))
      .where("deployment_id", "=", row.id)
      .execute();
  });
  return { ...view, deleted_at: isoTime(now) };
});
