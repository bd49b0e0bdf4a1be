// The dashboard, served by the control API's router: the page and its assets under /dashboard,
// sign-in and sign-out (/dashboard/session), and the views' endpoints, which are control API
// endpoints (/api/v1/…) like any other and reuse its authentication, authorization and scoping.
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";
import type { Route } from "../control/defineRoute.js";
import type { CredentialHealth } from "../proxy/credentialPool.js";
import { registerSessionRoutes } from "./sessionRoutes.js";
import { registerStaticFiles } from "./staticFiles.js";
import { createDashboardLink } from "./views/createDashboardLink.js";
import { getCall } from "./views/getCall.js";
import { listInstances } from "./views/instances.js";
import { listCalls } from "./views/listCalls.js";
import { listCreditHistory } from "./views/listCreditHistory.js";
import { getMargin } from "./views/margin.js";
import { listOpenHolds } from "./views/openHolds.js";
import { listTenantSpend } from "./views/operatorTenants.js";
import { poolHealthRoute } from "./views/poolHealth.js";
import { getTenantSpend } from "./views/tenantSpend.js";

import { csrfGuard } from "./sessionCaller.js";

export { requestCaller } from "./sessionCaller.js";

/** What the dashboard needs from the rest of the instance besides its context. */
export interface DashboardDeps {
  /** The proxy's in-memory view of its pool credentials' health (read-only). */
  poolHealth(): CredentialHealth[];
}

/** The views' control API routes. */
export function dashboardRoutes(deps: DashboardDeps): Route[] {
  return [getTenantSpend, listCalls, getCall, listCreditHistory, createDashboardLink, listTenantSpend, getMargin, poolHealthRoute(deps.poolHealth), listOpenHolds, listInstances];
}

/** The CSRF guard of cookie-borne changes, the page, its assets, and signing in and out (before any route). */
export function registerDashboard(app: FastifyInstance, ctx: ServerContext): void {
  app.addHook("onRequest", csrfGuard(ctx));
  registerSessionRoutes(app, ctx);
  registerStaticFiles(app, ctx);
}
