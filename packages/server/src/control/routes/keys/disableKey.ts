import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { changeKey, findLiveKey } from "./findKey.js";
import { keyViewOf } from "./keyView.js";

export const disableKey = defineRoute(endpoints.disableKey, async ({ params, caller }, ctx) => {
  const row = await findLiveKey(ctx, caller, params.id);
  return keyViewOf(ctx, await changeKey(ctx, row, { disabled_at: row.disabled_at ?? BigInt(Date.now()) }));
});
