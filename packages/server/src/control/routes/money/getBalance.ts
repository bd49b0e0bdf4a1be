import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { assertVisible } from "../../scope.js";
import { balanceOf } from "./balanceOf.js";

export const getBalanceRoute = defineRoute(endpoints.getBalance, async ({ params, caller }, ctx) => {
  assertVisible(caller, params.id, `Tenant ${params.id} not found.`);
  return { tenant_id: params.id, ...(await balanceOf(ctx, params.id)) };
});
