// GET /api/v1/operator/holds: pending holds, oldest first, with their count and sum. Pending holds
// are few and have their own partial index; the literal `status = 'pending'` lets the stores use it.
import { sql } from "kysely";
import { defineRoute } from "../../control/defineRoute.js";
import { isoTime } from "../../control/time.js";
import { formatUsd } from "../../ledger/money.js";
import { dashboardEndpoints } from "../contract.js";
import { big } from "./days.js";

export const listOpenHolds = defineRoute(dashboardEndpoints.listOpenHolds, async ({ query }, ctx) => {
  const pending = sql<boolean>`status = 'pending'`;
  const [totals, rows] = await Promise.all([
    ctx.store.db
      .selectFrom("holds")
      .select((eb) => [eb.fn.countAll().as("n"), eb.fn.sum("amount").as("amount")])
      .where(pending)
      .executeTakeFirstOrThrow(),
    ctx.store.db.selectFrom("holds").selectAll().where(pending).orderBy("created_at").limit(query.limit).execute(),
  ]);
  return {
    count: Number(big(totals.n)),
    amount: formatUsd(big(totals.amount)),
    data: rows.map((h) => ({
      request_id: h.request_id,
      tenant_id: h.tenant_id,
      key_id: h.key_id,
      integration: h.integration,
      model: h.model,
      amount: formatUsd(h.amount),
      credential_id: h.credential_id,
      instance_id: h.instance_id,
      created_at: isoTime(h.created_at),
      expires_at: isoTime(h.expires_at),
    })),
  };
});
