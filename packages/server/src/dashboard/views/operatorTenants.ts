// GET /api/v1/operator/tenants: every tenant's balance with its charges over the window, summed
// from the per-tenant daily rollup (usage_daily_tenant: a primary-key range on day).
import { defineRoute } from "../../control/defineRoute.js";
import { balanceJson } from "../../control/routes/money/balanceOf.js";
import { tenantsWithBalance } from "../../control/routes/tenants/tenantView.js";
import { formatUsd } from "../../ledger/money.js";
import { dashboardEndpoints } from "../contract.js";
import { big, dayWindow } from "./days.js";

export const listTenantSpend = defineRoute(dashboardEndpoints.listTenantSpend, async ({ query }, ctx) => {
  const window = dayWindow(query.days);
  const [tenants, spend] = await Promise.all([
    tenantsWithBalance(ctx).orderBy("tenants.created_at").orderBy("tenants.id").execute(),
    ctx.store.db
      .selectFrom("usage_daily_tenant")
      .select((eb) => ["tenant_id", eb.fn.sum("charge").as("charge"), eb.fn.sum("calls").as("calls")])
      .where("day", ">=", window.first)
      .groupBy("tenant_id")
      .execute(),
  ]);
  const byTenant = new Map(spend.map((s) => [s.tenant_id, s]));
  return {
    data: tenants.map((t) => {
      const s = byTenant.get(t.id);
      return {
        id: t.id,
        name: t.name,
        status: t.status,
        ...balanceJson(t.balance ?? 0n, t.held ?? 0n),
        spend: formatUsd(big(s?.charge)),
        calls: Number(big(s?.calls)),
      };
    }),
  };
});
