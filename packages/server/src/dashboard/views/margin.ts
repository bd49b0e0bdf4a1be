// GET /api/v1/operator/margin: per UTC day, what tenants were charged, what the upstream bills for
// those calls and the difference (the margin), from the per-day rollup (usage_daily_total); and the
// operator accounts' all-time totals from their running sums (accounts), the journal's own figures.
import { defineRoute } from "../../control/defineRoute.js";
import { formatUsd } from "../../ledger/money.js";
import { FUNDING_ACCOUNT } from "../../ledger/accountIds.js";
import { dashboardEndpoints } from "../contract.js";
import { big, dayWindow } from "./days.js";

export const getMargin = defineRoute(dashboardEndpoints.getMargin, async ({ query }, ctx) => {
  const window = dayWindow(query.days);
  const [rows, accounts] = await Promise.all([
    ctx.store.db
      .selectFrom("usage_daily_total")
      .select((eb) => ["day", eb.fn.sum("charge").as("charge"), eb.fn.sum("upstream_cost").as("upstream_cost"), eb.fn.sum("calls").as("calls")])
      .where("day", ">=", window.first)
      .where("day", "<=", window.last)
      .groupBy("day")
      .execute(),
    ctx.store.db.selectFrom("accounts").select(["id", "debits", "credits"]).execute(),
  ]);
  const size = window.labels.length;
  const charge = new Array<bigint>(size).fill(0n);
  const upstream = new Array<bigint>(size).fill(0n);
  const calls = new Array<bigint>(size).fill(0n);
  for (const row of rows) {
    const at = Number(big(row.day) - window.first);
    charge[at] = big(row.charge);
    upstream[at] = big(row.upstream_cost);
    calls[at] = big(row.calls);
  }
  const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
  // Credit-normal accounts (revenue, payable) hold credits − debits; debit-normal ones (money in
  // from outside, spend no call explains) debits − credits.
  const totals = { revenue: 0n, payable: 0n, unexplained: 0n, funding: 0n };
  for (const a of accounts) {
    if (a.id.startsWith("revenue:")) totals.revenue += a.credits - a.debits;
    else if (a.id.startsWith("payable:")) totals.payable += a.credits - a.debits;
    else if (a.id.startsWith("unexplained:")) totals.unexplained += a.debits - a.credits;
    else if (a.id === FUNDING_ACCOUNT) totals.funding += a.debits - a.credits;
  }
  return {
    days: window.labels,
    charge: charge.map(formatUsd),
    upstream_cost: upstream.map(formatUsd),
    margin: charge.map((c, i) => formatUsd(c - (upstream[i] ?? 0n))),
    calls: calls.map(Number),
    total: { charge: formatUsd(sum(charge)), upstream_cost: formatUsd(sum(upstream)), margin: formatUsd(sum(charge) - sum(upstream)), calls: Number(sum(calls)) },
    accounts: {
      revenue: formatUsd(totals.revenue),
      payable: formatUsd(totals.payable),
      unexplained: formatUsd(totals.unexplained),
      funding: formatUsd(totals.funding),
    },
  };
});
