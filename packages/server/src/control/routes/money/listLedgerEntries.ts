import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { requireTenant } from "../tenants/requireTenant.js";
import { statementLinesWithIds } from "./ledgerEntryView.js";

// A call posts at most four legs, written together: this many rows always hold `limit` lines.
const LEGS_PER_LINE = 4;

export const listLedgerEntries = defineRoute(endpoints.listLedgerEntries, async ({ params, query, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  let q = ctx.store.db
    .selectFrom("ledger_entries")
    .selectAll()
    .where("tenant_id", "=", params.id)
    .orderBy("id", "desc")
    .limit((query.limit + 1) * LEGS_PER_LINE);
  if (query.cursor !== undefined) q = q.where("id", "<", BigInt(query.cursor));
  const rows = await q.execute();
  const lines = statementLinesWithIds(rows);
  const page = lines.slice(0, query.limit);
  const last = page.at(-1);
  return { data: page.map((l) => l.line), next_cursor: last && lines.length > query.limit ? last.lowestId.toString() : null };
});
