// POST /api/v1/tenants/:id/dashboard-links (operator): a one-time sign-in link to a tenant's dashboard.
import { defineRoute } from "../../control/defineRoute.js";
import { requireTenant } from "../../control/routes/tenants/requireTenant.js";
import { isoTime } from "../../control/time.js";
import { dashboardEndpoints } from "../contract.js";
import { createSignInLink } from "../signInLinks.js";

export const createDashboardLink = defineRoute(dashboardEndpoints.createDashboardLink, async ({ params, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  const link = await createSignInLink(ctx, params.id);
  return { tenant_id: params.id, url: link.url, expires_at: isoTime(link.expiresAt) };
});
