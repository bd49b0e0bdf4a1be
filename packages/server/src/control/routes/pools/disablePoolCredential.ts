import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { poolCredentialColumns, poolCredentialViewOf } from "./poolCredentialView.js";

export const disablePoolCredential = defineRoute(endpoints.disablePoolCredential, async ({ params }, ctx) => {
  const db = ctx.store.db;
  await db.updateTable("pool_credentials").set({ disabled_at: BigInt(Date.now()) }).where("id", "=", params.id).where("disabled_at", "is", null).execute();
  const row = await db.selectFrom("pool_credentials").select(poolCredentialColumns).where("id", "=", params.id).executeTakeFirst();
  if (!row) throw controlError("not_found", `Pool credential ${params.id} not found.`);
  return poolCredentialViewOf(row);
});
