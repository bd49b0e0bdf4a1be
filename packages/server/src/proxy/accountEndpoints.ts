// Vendo's own answers to OpenRouter's account endpoints, so clients that read them work
// unchanged: /key (the calling key), /credits (the tenant), /generation (one call), /models.
import type { Integration } from "@vendo/integrations";
import { sql } from "kysely";
import type { Ledger } from "../ledger/ledger.js";
import { formatUsd, NANOS_PER_USD, nanosToUsdNumber, parseExactUsd, toNanos } from "../ledger/money.js";
import { currentPeriodUsage, periodStart } from "../ledger/periods.js";
import type { Store } from "../store/db.js";
import { ProxyError } from "./errors.js";
import type { KeyRecord } from "./keyCache.js";
import type { PriceBook } from "./priceBook.js";

export type AccountEndpoint = "key" | "credits" | "generation" | "models";

export function accountEndpointFor(integration: Integration, method: string, path: string): AccountEndpoint | null {
  if (method !== "GET") return null;
  const rest = path.startsWith(integration.proxy.basePath + "/") ? path.slice(integration.proxy.basePath.length + 1) : null;
  return rest === "key" || rest === "credits" || rest === "generation" || rest === "models" ? rest : null;
}

export function createAccountEndpoints(deps: { store: Store; ledger: Ledger; priceBook: PriceBook; markupBps(slug: string): bigint }) {
  const { db } = deps.store;

  async function chargedSince(keyId: string, since: number): Promise<bigint> {
    const row = await db
      .selectFrom("calls")
      .select(sql<bigint>`cast(coalesce(sum(charge), 0) as bigint)`.as("s"))
      .where("key_id", "=", keyId)
      .where("created_at", ">=", BigInt(since))
      .executeTakeFirstOrThrow();
    return BigInt(row.s);
  }

  return {
    async key(key: KeyRecord) {
      await deps.ledger.flush();
      const row = await db.selectFrom("api_keys").select(["name", "prefix", "usage", "period_usage", "period_start", "held"]).where("id", "=", key.id).executeTakeFirstOrThrow();
      const now = Date.now();
      const periodUsage = currentPeriodUsage({ ...row, limit_reset: key.limitReset }, now);
      const [daily, weekly, monthly] = await Promise.all(
        (["daily", "weekly", "monthly"] as const).map((p) => chargedSince(key.id, periodStart(p, now))),
      );
      return {
        data: {
          label: `${row.name} (${row.prefix}…)`,
          limit: key.limitAmount === null ? null : nanosToUsdNumber(key.limitAmount),
          limit_reset: key.limitReset === "none" ? null : key.limitReset,
          limit_remaining: key.limitAmount === null ? null : nanosToUsdNumber(key.limitAmount - periodUsage - row.held),
          usage: nanosToUsdNumber(row.usage),
          usage_daily: nanosToUsdNumber(daily as bigint),
          usage_weekly: nanosToUsdNumber(weekly as bigint),
          usage_monthly: nanosToUsdNumber(monthly as bigint),
          is_free_tier: false,
          expires_at: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
          // The rest of OpenRouter's key document, so its official SDK parses ours unchanged.
          byok_usage: 0,
          byok_usage_daily: 0,
          byok_usage_weekly: 0,
          byok_usage_monthly: 0,
          include_byok_in_limit: false,
          is_management_key: false,
          is_provisioning_key: false,
          allowed_data_regions: [],
          free_model_daily_requests: { limit: 0, remaining: 0, used: 0 },
          creator_user_id: null,
          organization_id: null,
          workspace_id: null,
          rate_limit: { interval: "1m", requests: key.rpm ?? -1, note: key.rpm === null ? "no per-key limit" : "per key, per instance" },
        },
      };
    },

    async credits(key: KeyRecord) {
      await deps.ledger.flush();
      const row = await db
        .selectFrom("ledger_entries")
        .select([
          sql<bigint>`cast(coalesce(sum(case when amount > 0 then amount else 0 end), 0) as bigint)`.as("credits"),
          sql<bigint>`cast(coalesce(sum(case when amount < 0 then -amount else 0 end), 0) as bigint)`.as("used"),
        ])
        .where("tenant_id", "=", key.tenantId)
        .executeTakeFirstOrThrow();
      return { data: { total_credits: nanosToUsdNumber(BigInt(row.credits)), total_usage: nanosToUsdNumber(BigInt(row.used)) } };
    },

    async generation(key: KeyRecord, query: string) {
      const id = new URLSearchParams(query).get("id");
      if (!id) throw new ProxyError("BAD_REQUEST", "Query parameter 'id' is required.");
      await deps.ledger.flush();
      const call = await db
        .selectFrom("calls")
        .selectAll()
        .where("tenant_id", "=", key.tenantId)
        .where((eb) => eb.or([eb("generation_id", "=", id), eb("request_id", "=", id)]))
        .executeTakeFirst();
      if (!call) throw new ProxyError("NOT_FOUND", `Generation ${id} not found.`);
      const cost = nanosToUsdNumber(call.charge);
      return {
        data: {
          ...emptyGeneration,
          id: call.generation_id ?? call.request_id,
          request_id: call.request_id,
          upstream_id: call.generation_id,
          model: call.model ?? "",
          api_type: call.path.endsWith("/embeddings") ? "embeddings" : "completions",
          created_at: new Date(Number(call.created_at)).toISOString(),
          total_cost: cost,
          usage: cost,
          upstream_inference_cost: nanosToUsdNumber(call.upstream_cost),
          tokens_prompt: Number(call.prompt_tokens),
          tokens_completion: Number(call.completion_tokens),
          native_tokens_prompt: Number(call.prompt_tokens),
          native_tokens_completion: Number(call.completion_tokens),
          streamed: call.streamed === 1n,
          cancelled: call.status === "client_aborted",
          latency: Number(call.latency_ms),
          // Vendo's own fields: the exact charge, and how it was reached.
          vendo: { charge_usd: formatUsd(call.charge), upstream_cost_usd: formatUsd(call.upstream_cost), estimated: call.estimated === 1n, status: call.status },
        },
      };
    },

    /** The upstream catalog with Vendo's prices: every per-unit price carries the markup. */
    async models(integration: Integration) {
      const markup = deps.markupBps(integration.slug);
      const models = await deps.priceBook.models(integration);
      if (markup === 0n) return { data: models };
      return {
        data: models.map((m) => ({
          ...m,
          pricing: Object.fromEntries(
            Object.entries((m.pricing ?? {}) as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? markedUpPrice(v, markup) : v]),
          ),
        })),
      };
    },
  };
}

/** A per-unit USD price string with the markup applied, exact to 1e-18 USD, rounded up. */
export function markedUpPrice(price: string, markupBps: bigint): string {
  const unit = parseExactUsd(price);
  if (!unit) return price;
  // price × markup in 1e-18 USD (nano-USD of a price 10^9 times larger), rounded up once,
  // written back as a decimal with 18 places.
  const up = toNanos({ numerator: unit.numerator * NANOS_PER_USD, scale: unit.scale }, markupBps, "up");
  const whole = up / 10n ** 18n;
  const frac = (up % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** OpenRouter's generation document with nothing known: every field its SDK expects, null. */
const emptyGeneration = {
  app_id: null,
  cache_discount: null,
  data_region: "global",
  external_user: null,
  finish_reason: null,
  generation_time: null,
  http_referer: null,
  is_byok: false,
  moderation_latency: null,
  native_finish_reason: null,
  native_tokens_cached: null,
  native_tokens_completion_images: null,
  native_tokens_reasoning: null,
  num_fetches: null,
  num_input_audio_prompt: null,
  num_media_completion: null,
  num_media_prompt: null,
  num_search_results: null,
  origin: "vendo",
  preset_id: null,
  provider_name: null,
  provider_responses: null,
  router: null,
  service_tier: null,
  user_agent: null,
  web_search_engine: null,
  workspace_id: null,
};
