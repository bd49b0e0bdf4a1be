import { adjust } from "../../../ledger/accounts.js";
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { requireTenant } from "../tenants/requireTenant.js";
import { balanceOf } from "./balanceOf.js";
import { ledgerEntryViewOf } from "./ledgerEntryView.js";

export const adjustBalance = defineRoute(endpoints.adjustBalance, async ({ params, body, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  const entry = await adjust(ctx.store.db, { tenantId: params.id, amount: body.amount, memo: body.memo });
  return { entry: ledgerEntryViewOf(entry), balance: await balanceOf(ctx, params.id) };
});
