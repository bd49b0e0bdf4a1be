// GET /api/v1/tenants/:id/calls/:requestId: one call's record, its hold and its statement lines,
// each read by primary key or index. Another tenant's call is not found, like a call that never was.
import { defineRoute } from "../../control/defineRoute.js";
import { controlError } from "../../control/errors.js";
import { statementLines } from "../../control/routes/money/ledgerEntryView.js";
import { requireTenant } from "../../control/routes/tenants/requireTenant.js";
import { isoTime, isoTimeOrNull } from "../../control/time.js";
import { formatUsd } from "../../ledger/money.js";
import { dashboardEndpoints } from "../contract.js";
import { callViewOf } from "./callView.js";

export const getCall = defineRoute(dashboardEndpoints.getCall, async ({ params, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  const { db } = ctx.store;
  const call = await db.selectFrom("calls").selectAll().where("request_id", "=", params.requestId).where("tenant_id", "=", params.id).executeTakeFirst();
  if (!call) throw controlError("not_found", `Call ${params.requestId} not found.`);
  const hold = await db.selectFrom("holds").selectAll().where("request_id", "=", params.requestId).where("tenant_id", "=", params.id).executeTakeFirst();
  const entries = await db.selectFrom("ledger_entries").selectAll().where("request_id", "=", params.requestId).where("tenant_id", "=", params.id).orderBy("id").execute();
  return {
    call: callViewOf(call),
    hold: hold
      ? {
          amount: formatUsd(hold.amount),
          status: hold.status,
          late: hold.late === 1n,
          credential_id: hold.credential_id,
          instance_id: hold.instance_id,
          created_at: isoTime(hold.created_at),
          ended_at: isoTimeOrNull(hold.ended_at),
        }
      : null,
    ledger: statementLines(entries),
  };
});
