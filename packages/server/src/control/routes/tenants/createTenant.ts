import { openAccount } from "../../../ledger/accounts.js";
import { newId } from "../../../security/apiKeys.js";
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { loadTenantView } from "./tenantView.js";

export const createTenant = defineRoute(endpoints.createTenant, async ({ body }, ctx) => {
  const id = newId("ten");
  const now = Date.now();
  await ctx.store.db.transaction().execute(async (tx) => {
    await tx.insertInto("tenants").values({ id, name: body.name, status: "active", created_at: BigInt(now) }).execute();
    await openAccount(tx, id, now);
  });
  return loadTenantView(ctx, id);
});
