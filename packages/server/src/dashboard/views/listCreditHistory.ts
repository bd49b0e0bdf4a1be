// GET /api/v1/tenants/:id/credit-history: a tenant's top-ups and adjustments, newest first, through
// the partial index of those entries (migration 009) rather than past its many charges.
import { sql } from "kysely";
import { defineRoute } from "../../control/defineRoute.js";
import { statementLinesWithIds } from "../../control/routes/money/ledgerEntryView.js";
import { requireTenant } from "../../control/routes/tenants/requireTenant.js";
import { dashboardEndpoints } from "../contract.js";

export const listCreditHistory = defineRoute(dashboardEndpoints.listCreditHistory, async ({ params, query, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  let q = ctx.store.db
    .selectFrom("ledger_entries")
    .selectAll()
    .where("tenant_id", "=", params.id)
    .where(sql<boolean>`kind in ('topup', 'adjustment')`)
    .orderBy("id", "desc")
    .limit(query.limit + 1);
  if (query.cursor !== undefined) q = q.where("id", "<", BigInt(query.cursor));
  const lines = statementLinesWithIds(await q.execute());
  const page = lines.slice(0, query.limit);
  const last = page.at(-1);
  return { data: page.map((l) => l.line), next_cursor: last && lines.length > query.limit ? last.lowestId.toString() : null };
});
