// Vendo-issued proxy keys (vendo_sk_): limits, rate, allowed models, expiry; plaintext shown once.
import { z } from "zod";
import { idParams, isoTime, listOf, queryFlag, resourceId, timestamp, usd, usdAmount } from "./common.js";
import { defineEndpointList } from "./endpoint.js";

export const limitReset = z.enum(["daily", "weekly", "monthly", "none"], { error: "must be one of daily, weekly, monthly, none" });

const keyName = z.string({ error: "must be a string" }).trim().min(1, { error: "must not be empty" }).max(200);
const rpm = z
  .number({ error: "must be a whole number of requests per minute" })
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be at least 1" })
  .max(1_000_000);
const tpm = z
  .number({ error: "must be a whole number of tokens per minute" })
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be at least 1" })
  .max(1_000_000_000);
const models = z
  .array(z.string({ error: "must be model ids (strings)" }).min(1), { error: "must be an array of model ids" })
  .min(1, { error: "must list at least one model (omit it, or null, to allow all)" })
  .max(1000);

/** A serialized web origin, exactly as a browser sends it in `Origin`: scheme, host, port if not the default. */
const webOrigin = z
  .string({ error: "must be origins (strings)" })
  .refine((text) => text === "*" || isSerializedOrigin(text), {
    error: 'must be "*" or web origins such as "https://app.example.com" (http or https, no path, no trailing slash, lowercase)',
  });
const allowedOrigins = z
  .array(webOrigin, { error: "must be an array of web origins" })
  .min(1, { error: "must list at least one origin (omit it, or null, to allow none)" })
  .max(100)
  .refine((list) => !list.includes("*") || list.length === 1, { error: 'must be ["*"] alone to allow any origin' });

function isSerializedOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === text;
  } catch {
    return false;
  }
}

export const keyView = z.object({
  id: z.string(),
  tenant_id: z.string(),
  integration: z.string(),
  deployment_id: z.string().nullable(),
  name: z.string(),
  prefix: z.string().describe("The first characters of the key, to recognise it."),
  key_hash: z.string().describe("SHA-256 of the key, hex. The plaintext is never stored."),
  limit: usd.nullable().describe("Spending limit per reset period; null: none."),
  limit_reset: limitReset,
  rpm: z.number().int().nullable().describe("Requests per minute; shared by every instance when Redis is configured."),
  tpm: z.number().int().nullable().describe("Tokens (prompt + completion) per minute; a call is admitted while the minute's budget is not spent."),
  models: z.array(z.string()).nullable().describe("Allowed models; null: all."),
  allowed_origins: z.array(z.string()).nullable().describe('Web origins a browser app may call the proxy from with this key (CORS); ["*"]: any; null: none.'),
  expires_at: timestamp.nullable(),
  disabled: z.boolean(),
  disabled_at: timestamp.nullable(),
  deleted_at: timestamp.nullable(),
  usage: usd.describe("Lifetime charges through the key."),
  period_usage: usd.describe("Charges in the current reset period."),
  held: usd.describe("Open holds of calls in flight."),
  limit_remaining: usd.nullable().describe("limit − period usage (never below 0); null without a limit."),
  fit_to_balance: z
    .boolean()
    .describe("When a call's worst case does not fit what the key or balance has left, lower its max_tokens (said in x-vendo-max-tokens) instead of answering 402."),
  created_at: timestamp,
  updated_at: timestamp,
});

export const createdKey = keyView.extend({ key: z.string().describe("The vendo_sk_ key in plaintext: shown once, never again.") });

export const createKeyBody = z
  .object({
    tenant_id: resourceId.optional().describe("Required for the operator; a management key creates keys for its own tenant."),
    name: keyName,
    integration: z.string({ error: "must be an integration slug" }),
    deployment_id: resourceId.optional(),
    limit: usdAmount.optional(),
    limit_reset: limitReset.default("none"),
    rpm: rpm.optional(),
    tpm: tpm.optional(),
    models: models.optional(),
    allowed_origins: allowedOrigins.optional(),
    expires_at: isoTime.optional(),
    fit_to_balance: z.boolean({ error: "must be true or false" }).optional(),
  })
  .strict();

export const updateKeyBody = z
  .object({
    name: keyName.optional(),
    limit: usdAmount.nullable().optional(),
    limit_reset: limitReset.optional(),
    rpm: rpm.nullable().optional(),
    tpm: tpm.nullable().optional(),
    models: models.nullable().optional(),
    allowed_origins: allowedOrigins.nullable().optional(),
    expires_at: isoTime.nullable().optional(),
    disabled: z.boolean({ error: "must be true or false" }).optional(),
    fit_to_balance: z.boolean({ error: "must be true or false" }).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { error: "must change at least one field" });

export const keyEndpoints = defineEndpointList({
  createKey: {
    operationId: "createKey",
    method: "POST",
    path: "/api/v1/keys",
    access: "tenant",
    summary: "Mint a vendo_sk_ key for one integration (optionally bound to a deployment). The plaintext is returned once.",
    body: createKeyBody,
    response: createdKey,
    status: 201,
  },
  listKeys: {
    operationId: "listKeys",
    method: "GET",
    path: "/api/v1/keys",
    access: "tenant",
    summary: "Keys with usage; prefix and hash only. Deleted keys only with include_deleted.",
    query: z.object({
      tenant_id: resourceId.optional(),
      deployment_id: resourceId.optional(),
      include_deleted: queryFlag,
    }),
    response: listOf(keyView),
  },
  getKey: {
    operationId: "getKey",
    method: "GET",
    path: "/api/v1/keys/:id",
    access: "tenant",
    summary: "One key with its usage.",
    params: idParams,
    response: keyView,
  },
  updateKey: {
    operationId: "updateKey",
    method: "PATCH",
    path: "/api/v1/keys/:id",
    access: "tenant",
    summary: "Change a key's name, limit, reset, rpm, tpm, models, allowed origins, expiry or disabled flag; null clears a field. Takes effect in the proxy within a second.",
    params: idParams,
    body: updateKeyBody,
    response: keyView,
  },
  disableKey: {
    operationId: "disableKey",
    method: "POST",
    path: "/api/v1/keys/:id/disable",
    access: "tenant",
    summary: "Disable a key: the proxy refuses it within a second (PATCH disabled:false re-enables it).",
    params: idParams,
    response: keyView,
  },
  deleteKey: {
    operationId: "deleteKey",
    method: "DELETE",
    path: "/api/v1/keys/:id",
    access: "tenant",
    summary: "Delete a key (kept for the records, refused by the proxy for ever).",
    params: idParams,
    response: keyView,
  },
});
