import { MANAGEMENT_KEY_PREFIX, mintKey, newId } from "../../../security/apiKeys.js";
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { requireTenant } from "./requireTenant.js";
import { managementKeyViewOf } from "./managementKeyView.js";

export const createManagementKey = defineRoute(endpoints.createManagementKey, async ({ params, body, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  const minted = mintKey(MANAGEMENT_KEY_PREFIX);
  const row = {
    id: newId("mk"),
    tenant_id: params.id,
    name: body?.name ?? "management key",
    key_hash: minted.hash,
    prefix: minted.prefix,
    created_at: BigInt(Date.now()),
    revoked_at: null,
  };
  await ctx.store.db.insertInto("management_keys").values(row).execute();
  return { ...managementKeyViewOf(row), key: minted.plaintext };
});
