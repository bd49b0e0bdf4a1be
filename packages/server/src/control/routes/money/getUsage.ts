// Usage from the calls table: count, tokens, upstream cost and charge, grouped by day, model, key
// or deployment over [from, to). The same SQL on both dialects (integer division buckets days).
import { sql, type RawBuilder } from "kysely";
import type { z } from "zod";
import { formatUsd } from "../../../ledger/money.js";
import { endpoints } from "../../contract/index.js";
import type { usageGroupBy, usageRow } from "../../contract/money.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { isoTime } from "../../time.js";
import { requireTenant } from "../tenants/requireTenant.js";

const DAY_MS = 86_400_000;
const DEFAULT_SPAN_MS = 30 * DAY_MS;

const groupColumn: Record<z.output<typeof usageGroupBy>, RawBuilder<bigint | string | null>> = {
  day: sql<bigint>`created_at / ${sql.lit(DAY_MS)}`,
  model: sql<string | null>`model`,
  key: sql<string>`key_id`,
  deployment: sql<string | null>`deployment_id`,
};

/** pg returns sum(bigint) as a numeric string, SQLite as a bigint: both to bigint. */
const big = (v: unknown): bigint => BigInt(String(v ?? 0));

export const getUsage = defineRoute(endpoints.getUsage, async ({ params, query, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  const to = query.to ?? Date.now();
  const from = query.from ?? to - DEFAULT_SPAN_MS;
  if (from >= to) throw controlError("invalid_request", "Invalid query.from: must be before query.to.");

  const rows = await ctx.store.db
    .selectFrom("calls")
    .select((eb) => [
      groupColumn[query.group_by].as("grp"),
      eb.fn.countAll().as("count"),
      eb.fn.sum("prompt_tokens").as("prompt_tokens"),
      eb.fn.sum("completion_tokens").as("completion_tokens"),
      eb.fn.sum("upstream_cost").as("upstream_cost"),
      eb.fn.sum("charge").as("charge"),
    ])
    .where("tenant_id", "=", params.id)
    .where("created_at", ">=", BigInt(from))
    .where("created_at", "<", BigInt(to))
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();

  const totals = { count: 0n, prompt_tokens: 0n, completion_tokens: 0n, upstream_cost: 0n, charge: 0n };
  const data: z.output<typeof usageRow>[] = rows.map((row) => {
    const figures = {
      count: big(row.count),
      prompt_tokens: big(row.prompt_tokens),
      completion_tokens: big(row.completion_tokens),
      upstream_cost: big(row.upstream_cost),
      charge: big(row.charge),
    };
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += figures[k];
    return { group: groupLabel(query.group_by, row.grp), ...wire(figures) };
  });
  return { tenant_id: params.id, from: isoTime(from), to: isoTime(to), group_by: query.group_by, data, total: wire(totals) };
});

function groupLabel(groupBy: z.output<typeof usageGroupBy>, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return groupBy === "day" ? isoTime(big(value) * BigInt(DAY_MS)).slice(0, 10) : String(value);
}

function wire(f: { count: bigint; prompt_tokens: bigint; completion_tokens: bigint; upstream_cost: bigint; charge: bigint }) {
  return {
    count: Number(f.count),
    prompt_tokens: Number(f.prompt_tokens),
    completion_tokens: Number(f.completion_tokens),
    upstream_cost: formatUsd(f.upstream_cost),
    charge: formatUsd(f.charge),
  };
}
