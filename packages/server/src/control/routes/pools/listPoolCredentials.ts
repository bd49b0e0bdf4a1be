import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { poolCredentialColumns, poolCredentialViewOf } from "./poolCredentialView.js";

export const listPoolCredentials = defineRoute(endpoints.listPoolCredentials, async ({ query }, ctx) => {
  let q = ctx.store.db.selectFrom("pool_credentials").select(poolCredentialColumns).orderBy("created_at").orderBy("id");
  if (query.integration !== undefined) q = q.where("integration", "=", query.integration);
  return { data: (await q.execute()).map(poolCredentialViewOf) };
});
