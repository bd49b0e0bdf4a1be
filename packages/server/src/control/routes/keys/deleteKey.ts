import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { changeKey, findKey } from "./findKey.js";
import { keyViewOf } from "./keyView.js";

/** Soft delete: the row stays for usage and audit; deleting twice changes nothing. */
export const deleteKey = defineRoute(endpoints.deleteKey, async ({ params, caller }, ctx) => {
  const row = await findKey(ctx, caller, params.id);
  if (row.deleted_at !== null) return keyViewOf(ctx, row);
  return keyViewOf(ctx, await changeKey(ctx, row, { deleted_at: BigInt(Date.now()) }));
});
