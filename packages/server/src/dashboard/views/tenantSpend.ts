// GET /api/v1/tenants/:id/spend: a tenant's charges per UTC day, stacked by model and by key, read
// from the daily usage rollup (one primary-key range: tenant, then day).
import type { z } from "zod";
import { requireTenant } from "../../control/routes/tenants/requireTenant.js";
import { defineRoute } from "../../control/defineRoute.js";
import { formatUsd } from "../../ledger/money.js";
import { dashboardEndpoints, type spendSeries } from "../contract.js";
import { big, dayWindow } from "./days.js";

interface Series {
  group: string;
  label: string;
  amounts: bigint[];
  total: bigint;
  calls: bigint;
}

export const getTenantSpend = defineRoute(dashboardEndpoints.getTenantSpend, async ({ params, query, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  const window = dayWindow(query.days);
  const rows = await ctx.store.db
    .selectFrom("usage_daily")
    .select((eb) => ["day", "key_id", "model", eb.fn.sum("charge").as("charge"), eb.fn.sum("calls").as("calls")])
    .where("tenant_id", "=", params.id)
    .where("day", ">=", window.first)
    .where("day", "<=", window.last)
    .groupBy(["day", "key_id", "model"])
    .execute();
  const keyNames = new Map(
    (await ctx.store.db.selectFrom("api_keys").select(["id", "name"]).where("tenant_id", "=", params.id).execute()).map((k) => [k.id, k.name]),
  );

  const size = window.labels.length;
  const daily = new Array<bigint>(size).fill(0n);
  const dailyCalls = new Array<bigint>(size).fill(0n);
  const byModel = new Map<string, Series>();
  const byKey = new Map<string, Series>();
  const add = (map: Map<string, Series>, group: string, label: string, at: number, charge: bigint, calls: bigint) => {
    let series = map.get(group);
    if (!series) map.set(group, (series = { group, label, amounts: new Array<bigint>(size).fill(0n), total: 0n, calls: 0n }));
    series.amounts[at] = (series.amounts[at] ?? 0n) + charge;
    series.total += charge;
    series.calls += calls;
  };
  for (const row of rows) {
    const at = Number(big(row.day) - window.first);
    const charge = big(row.charge);
    const calls = big(row.calls);
    daily[at] = (daily[at] ?? 0n) + charge;
    dailyCalls[at] = (dailyCalls[at] ?? 0n) + calls;
    add(byModel, row.model, row.model === "" ? "(no model)" : row.model, at, charge, calls);
    add(byKey, row.key_id, keyNames.get(row.key_id) ?? row.key_id, at, charge, calls);
  }
  return {
    tenant_id: params.id,
    days: window.labels,
    daily: daily.map(formatUsd),
    daily_calls: dailyCalls.map(Number),
    total: formatUsd(daily.reduce((a, b) => a + b, 0n)),
    calls: Number(dailyCalls.reduce((a, b) => a + b, 0n)),
    by_model: seriesView(byModel),
    by_key: seriesView(byKey),
  };
});

/** Largest first (then by name, so the order is stable). */
function seriesView(map: Map<string, Series>): Array<z.input<typeof spendSeries>> {
  return [...map.values()]
    .sort((a, b) => (a.total === b.total ? a.label.localeCompare(b.label) : a.total > b.total ? -1 : 1))
    .map((s) => ({ group: s.group, label: s.label, amounts: s.amounts.map(formatUsd), total: formatUsd(s.total), calls: Number(s.calls) }));
}
