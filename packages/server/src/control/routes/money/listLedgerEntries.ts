import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { requireTenant } from "../tenants/requireTenant.js";
import { ledgerEntryViewOf } from "./ledgerEntryView.js";

export const listLedgerEntries = defineRoute(endpoints.listLedgerEntries, async ({ params, query, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  let q = ctx.store.db
    .selectFrom("ledger_entries")
    .selectAll()
    .where("tenant_id", "=", params.id)
    .orderBy("id", "desc")
    .limit(query.limit + 1);
  if (query.cursor !== undefined) q = q.where("id", "<", BigInt(query.cursor));
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { data: page.map(ledgerEntryViewOf), next_cursor: rows.length > query.limit && last ? last.id.toString() : null };
});
