import { IdempotencyConflictError, topUp } from "../../../ledger/accounts.js";
import { formatUsd } from "../../../ledger/money.js";
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { requireTenant } from "../tenants/requireTenant.js";
import { balanceOf } from "./balanceOf.js";
import { ledgerEntryViewOf } from "./ledgerEntryView.js";

export const addCredits = defineRoute(endpoints.addCredits, async ({ params, headers, body, setStatus, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id); // not_found before any write
  try {
    const { entry, created } = await topUp(ctx.store.db, {
      tenantId: params.id,
      amount: body.amount,
      idempotencyKey: headers["idempotency-key"],
      memo: body.memo ?? null,
    });
    if (!created) setStatus(200);
    return { entry: ledgerEntryViewOf(entry), created, balance: await balanceOf(ctx, params.id) };
  } catch (err) {
    if (err instanceof IdempotencyConflictError) {
      throw controlError(
        "idempotency_conflict",
        `Idempotency-Key "${headers["idempotency-key"]}" already credited ${formatUsd(err.existing.amount)} USD (entry ${err.existing.id}); use a new key for a different amount.`,
      );
    }
    throw err;
  }
});
