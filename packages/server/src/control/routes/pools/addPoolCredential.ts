import { newId } from "../../../security/apiKeys.js";
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { requireIntegration } from "../keys/requireIntegration.js";
import { poolCredentialViewOf } from "./poolCredentialView.js";

export const addPoolCredential = defineRoute(endpoints.addPoolCredential, async ({ body }, ctx) => {
  requireIntegration(ctx, body.integration, "body.integration");
  const id = newId("pc");
  const row = {
    id,
    integration: body.integration,
    label: body.label ?? id,
    secret_enc: ctx.secrets.seal(body.secret),
    last4: body.secret.slice(-4),
    created_at: BigInt(Date.now()),
    disabled_at: null,
  };
  await ctx.store.db.insertInto("pool_credentials").values(row).execute();
  return poolCredentialViewOf(row);
});
