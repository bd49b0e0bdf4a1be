// The dashboard's views as control API endpoints: the same authentication (bearer or dashboard
// session), authorization, tenant scoping, validation and OpenAPI as every other endpoint. Each reads
// the daily usage rollup (usage_daily) or an indexed query, never a scan of `calls` (docs/dashboard.md).
import { z } from "zod";
import { idParams, resourceId, timestamp, usd } from "../control/contract/common.js";
import { defineEndpointList } from "../control/contract/endpoint.js";
import { ledgerEntryView } from "../control/contract/money.js";
import { poolCredentialView } from "../control/contract/pools.js";

const days = z.coerce
  .number({ error: "must be a number of days" })
  .int({ error: "must be a whole number of days" })
  .min(1, { error: "must be at least 1" })
  .max(366, { error: "must be at most 366" })
  .default(30);

const pageLimit = (max: number, fallback: number) =>
  z.coerce.number({ error: "must be a number" }).int({ error: "must be an integer" }).min(1, { error: "must be at least 1" }).max(max, { error: `must be at most ${max}` }).default(fallback);

/** One stacked series of a chart: amounts per day (same order as `days`) and its total. */
export const spendSeries = z.object({
  group: z.string().describe("The model, or the key id."),
  label: z.string().describe("What to show: the model, or the key's name."),
  amounts: z.array(usd),
  total: usd,
  calls: z.number().int(),
});

export const tenantSpend = z.object({
  tenant_id: z.string(),
  days: z.array(z.string()).describe("UTC days (YYYY-MM-DD), oldest first, today last."),
  daily: z.array(usd).describe("Charges per day."),
  daily_calls: z.array(z.number().int()),
  total: usd,
  calls: z.number().int(),
  by_model: z.array(spendSeries),
  by_key: z.array(spendSeries),
});

export const callView = z.object({
  request_id: z.string(),
  key_id: z.string(),
  deployment_id: z.string().nullable(),
  integration: z.string(),
  path: z.string(),
  model: z.string().nullable(),
  generation_id: z.string().nullable().describe("The upstream's id of the call (OpenRouter's generation id)."),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  upstream_cost: usd,
  charge: usd,
  estimated: z.boolean(),
  streamed: z.boolean(),
  status: z.string(),
  http_status: z.number().int(),
  latency_ms: z.number().int(),
  created_at: timestamp,
});

export const holdView = z.object({
  amount: usd.describe("What was held before the call was forwarded."),
  status: z.enum(["pending", "posted", "voided", "expired"]),
  late: z.boolean(),
  credential_id: z.string().nullable(),
  instance_id: z.string(),
  created_at: timestamp,
  ended_at: timestamp.nullable(),
});

/** A cursor for pages of calls: `<created_at ms>_<request_id>` of the last call shown. */
const callCursor = z.string().regex(/^\d{1,16}_[A-Za-z0-9_-]{1,100}$/, { error: "must be the next_cursor of a previous page" });

export const operatorTenantRow = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(["active", "suspended"]),
  balance: usd,
  held: usd,
  available: usd,
  spend: usd.describe("Charges over the window."),
  calls: z.number().int(),
});

export const accountTotals = z.object({
  revenue: usd.describe("Σ revenue:* accounts (markup and fees), all time."),
  payable: usd.describe("Σ payable:* accounts: what Vendo owes upstreams, all time."),
  unexplained: usd.describe("Σ unexplained:* accounts: upstream spend no call explains, all time."),
  funding: usd.describe("Money in from outside (top-ups less corrections), all time."),
});

export const poolHealthRow = poolCredentialView.extend({
  in_rotation: z.boolean().describe("Enabled and baselined: calls may use it (as this instance sees it)."),
  cooling_until: timestamp.nullable().describe("Set aside after an upstream refusal or connection error until then (this instance)."),
  cooldowns: z.number().int().describe("Refusals and connection errors since this instance started."),
  last_cooldown_at: timestamp.nullable(),
  payable: usd,
  unexplained: usd,
  last_reconciliation: z
    .object({ at: timestamp, upstream_usage: usd, booked: usd, drift: usd, booked_unexplained: usd, outcome: z.string() })
    .nullable(),
});

export const dayDrift = z.object({
  day: z.string(),
  credential_id: z.string(),
  runs: z.number().int(),
  booked_unexplained: usd,
  last_drift: usd,
  last_outcome: z.string(),
});

export const openHold = z.object({
  request_id: z.string(),
  tenant_id: z.string(),
  key_id: z.string(),
  integration: z.string(),
  model: z.string().nullable(),
  amount: usd,
  credential_id: z.string().nullable(),
  instance_id: z.string(),
  created_at: timestamp,
  expires_at: timestamp,
});

export const instanceRow = z.object({
  id: z.string(),
  started_at: timestamp,
  heartbeat_at: timestamp,
  epoch: z.number().int(),
  live: z.boolean().describe("Its heartbeat is within the stale window."),
  current: z.boolean().describe("The instance that answered this request."),
  pending_holds: z.number().int(),
});

export const dashboardEndpoints = defineEndpointList({
  getTenantSpend: {
    operationId: "getTenantSpend",
    method: "GET",
    path: "/api/v1/tenants/:id/spend",
    access: "tenant",
    summary: "Charges per UTC day over the last `days` days (today included), stacked by model and by key, from the daily usage rollup.",
    params: idParams,
    query: z.object({ days }),
    response: tenantSpend,
  },
  listCalls: {
    operationId: "listCalls",
    method: "GET",
    path: "/api/v1/tenants/:id/calls",
    access: "tenant",
    summary: "Recent calls, newest first, paged (pass next_cursor back as cursor); filter by model, key or status (`not_ok`: every status but ok).",
    params: idParams,
    query: z.object({
      limit: pageLimit(200, 50),
      cursor: callCursor.optional(),
      model: z.string().min(1).max(200, { error: "must be at most 200 characters" }).optional(),
      key_id: resourceId.optional(),
      status: z.string().regex(/^[a-z_]{1,60}$/, { error: "must be a call status such as ok, upstream_error or not_ok" }).optional(),
    }),
    response: z.object({ data: z.array(callView), next_cursor: z.string().nullable() }),
  },
  getCall: {
    operationId: "getCall",
    method: "GET",
    path: "/api/v1/tenants/:id/calls/:requestId",
    access: "tenant",
    summary: "One call: its record, its hold and its statement lines.",
    params: z.object({ id: resourceId, requestId: resourceId }),
    response: z.object({ call: callView, hold: holdView.nullable(), ledger: z.array(ledgerEntryView) }),
  },
  listCreditHistory: {
    operationId: "listCreditHistory",
    method: "GET",
    path: "/api/v1/tenants/:id/credit-history",
    access: "tenant",
    summary: "Top-ups and adjustments, newest first, paged (pass next_cursor back as cursor).",
    params: idParams,
    query: z.object({
      limit: pageLimit(200, 50),
      cursor: z.string().regex(/^\d{1,20}$/, { error: "must be the next_cursor of a previous page" }).optional(),
    }),
    response: z.object({ data: z.array(ledgerEntryView), next_cursor: z.string().nullable() }),
  },
  createDashboardLink: {
    operationId: "createDashboardLink",
    method: "POST",
    path: "/api/v1/tenants/:id/dashboard-links",
    access: "operator",
    summary: "A one-time sign-in link to the tenant's dashboard (works once, for 30 minutes). The token is in the URL's fragment, which browsers never send.",
    params: idParams,
    response: z.object({ tenant_id: z.string(), url: z.string(), expires_at: timestamp }),
    status: 201,
  },
  listTenantSpend: {
    operationId: "listTenantSpend",
    method: "GET",
    path: "/api/v1/operator/tenants",
    access: "operator",
    summary: "Every tenant with its balance, held, available and its charges over the last `days` days.",
    query: z.object({ days }),
    response: z.object({ data: z.array(operatorTenantRow) }),
  },
  getMargin: {
    operationId: "getMargin",
    method: "GET",
    path: "/api/v1/operator/margin",
    access: "operator",
    summary: "Per UTC day: what tenants were charged, its upstream cost and the margin; plus the operator accounts' all-time totals.",
    query: z.object({ days }),
    response: z.object({
      days: z.array(z.string()),
      charge: z.array(usd),
      upstream_cost: z.array(usd),
      margin: z.array(usd),
      calls: z.array(z.number().int()),
      total: z.object({ charge: usd, upstream_cost: usd, margin: usd, calls: z.number().int() }),
      accounts: accountTotals,
    }),
  },
  getPoolHealth: {
    operationId: "getPoolHealth",
    method: "GET",
    path: "/api/v1/operator/pool",
    access: "operator",
    summary: "Pool credentials with their health (cool-downs, as this instance sees them), books and reconciliation drift per day.",
    query: z.object({ days }),
    response: z.object({ data: z.array(poolHealthRow), drift_by_day: z.array(dayDrift) }),
  },
  listOpenHolds: {
    operationId: "listOpenHolds",
    method: "GET",
    path: "/api/v1/operator/holds",
    access: "operator",
    summary: "Pending holds (calls in flight, or orphans awaiting the reaper), oldest first, with their count and sum.",
    query: z.object({ limit: pageLimit(500, 100) }),
    response: z.object({ count: z.number().int(), amount: usd, data: z.array(openHold) }),
  },
  listInstances: {
    operationId: "listInstances",
    method: "GET",
    path: "/api/v1/operator/instances",
    access: "operator",
    summary: "Server instances by heartbeat: live ones and those past the stale window, with their pending holds.",
    response: z.object({ stale_after_ms: z.number().int(), data: z.array(instanceRow) }),
  },
});
