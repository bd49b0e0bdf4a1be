// A tenant's money: credits (top-ups), adjustments, balance, ledger entries and usage.
import { z } from "zod";
import { balanceView, idParams, isoTime, positiveUsdAmount, signedUsdAmount, timestamp, usd } from "./common.js";
import { defineEndpointList } from "./endpoint.js";

export const ledgerEntryView = z.object({
  id: z.string().describe("Monotonic entry id (decimal string); also the ledger cursor."),
  tenant_id: z.string(),
  kind: z.enum(["topup", "adjustment", "charge", "overage"]).describe("charge: a call's price within its hold; overage: the part of it beyond the hold."),
  amount: usd.describe("Signed USD: positive credits the tenant, negative debits it."),
  request_id: z.string().nullable(),
  idempotency_key: z.string().nullable(),
  memo: z.string().nullable(),
  created_at: timestamp,
});

export const creditResult = z.object({
  entry: ledgerEntryView,
  /** false when the Idempotency-Key had already credited this amount: nothing new was credited. */
  created: z.boolean(),
  balance: balanceView,
});

export const tenantBalance = balanceView.extend({ tenant_id: z.string() });

export const usageGroupBy = z.enum(["day", "model", "key", "deployment"]);

const usageFigures = {
  count: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  upstream_cost: usd,
  charge: usd,
};

export const usageRow = z.object({
  group: z.string().nullable().describe("The day (YYYY-MM-DD), model, key id or deployment id; null when the call had none."),
  ...usageFigures,
});

export const usageReport = z.object({
  tenant_id: z.string(),
  from: timestamp,
  to: timestamp,
  group_by: usageGroupBy,
  data: z.array(usageRow),
  total: z.object(usageFigures),
});

const memo = z.string({ error: "must be a string" }).max(500, { error: "must be at most 500 characters" });

export const moneyEndpoints = defineEndpointList({
  addCredits: {
    operationId: "addCredits",
    method: "POST",
    path: "/api/v1/tenants/:id/credits",
    access: "operator",
    summary:
      "Credit a tenant's balance. The Idempotency-Key header is required: the same key twice credits once " +
      "and returns the first entry; the same key with another amount is refused with 409.",
    params: idParams,
    headers: z.object({
      "idempotency-key": z
        .string({ error: "header is required (any unique string, e.g. a UUID)" })
        .min(1, { error: "header must not be empty" })
        .max(200, { error: "header must be at most 200 characters" }),
    }),
    body: z.object({ amount: positiveUsdAmount, memo: memo.optional() }).strict(),
    response: creditResult,
    status: 201,
  },
  adjustBalance: {
    operationId: "adjustBalance",
    method: "POST",
    path: "/api/v1/tenants/:id/adjustments",
    access: "operator",
    summary: "An operator's correction to a balance, positive or negative, recorded as a ledger entry.",
    params: idParams,
    body: z.object({ amount: signedUsdAmount, memo: memo.min(1, { error: "must not be empty" }) }).strict(),
    response: z.object({ entry: ledgerEntryView, balance: balanceView }),
    status: 201,
  },
  getBalance: {
    operationId: "getBalance",
    method: "GET",
    path: "/api/v1/tenants/:id/balance",
    access: "tenant",
    summary: "Balance, held (open holds of calls in flight) and available = balance − held.",
    params: idParams,
    response: tenantBalance,
  },
  listLedgerEntries: {
    operationId: "listLedgerEntries",
    method: "GET",
    path: "/api/v1/tenants/:id/ledger",
    access: "tenant",
    summary: "Ledger entries, newest first, paged: pass next_cursor back as cursor.",
    params: idParams,
    query: z.object({
      limit: z.coerce.number({ error: "must be a number" }).int({ error: "must be an integer" }).min(1).max(500).default(50),
      cursor: z.string().regex(/^\d{1,20}$/, { error: "must be the next_cursor of a previous page" }).optional(),
    }),
    response: z.object({ data: z.array(ledgerEntryView), next_cursor: z.string().nullable() }),
  },
  getUsage: {
    operationId: "getUsage",
    method: "GET",
    path: "/api/v1/tenants/:id/usage",
    access: "tenant",
    summary: "Calls, tokens, upstream cost and charges in [from, to), grouped by day, model, key or deployment.",
    params: idParams,
    query: z.object({
      from: isoTime.optional().describe("Default: 30 days before `to`."),
      to: isoTime.optional().describe("Default: now."),
      group_by: usageGroupBy.default("day"),
    }),
    response: usageReport,
  },
});

