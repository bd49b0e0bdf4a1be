// Vendo's own answers to OpenRouter's account endpoints, so clients that read them work
// unchanged: /key (the calling key), /credits (the tenant), /generation (one call), /models.
import type { Integration } from "@vendo/integrations";
import type { CallRecorder } from "../ledger/callRecords.js";
import type { Ledger } from "../ledger/ledger.js";
import { formatUsd, NANOS_PER_USD, nanosToUsdNumber, parseExactUsd, toNanos } from "../ledger/money.js";
import { periodStart } from "../ledger/periods.js";
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

/**
 * Every answer reads counters the ledger keeps (key_counters, balances) or one indexed row: the
 * cost of a request does not grow with the history stored. Each first lets the ledger commit what
 * it has queued (a settlement may linger a few ms): a client reads its own last call.
 */
export function createAccountEndpoints(deps: { store: Store; ledger: Ledger; calls: CallRecorder; priceBook: PriceBook; markupBps(slug: string): bigint }) {
  const { db } = deps.store;
  // /models with Vendo's prices: remade only when the upstream's list or the markup changes.
  const modelsCache = new Map<string, { source: unknown; markup: bigint; body: unknown }>();

  return {
    async key(key: KeyRecord) {
      await deps.ledger.flush();
      const row = await db
        .selectFrom("api_keys as k")
        .innerJoin("key_counters as c", "c.key_id", "k.id")
        .select(["k.name", "k.prefix", "c.usage", "c.held", "c.period_usage", "c.period_start", "c.day_usage", "c.day_start", "c.week_usage", "c.week_start", "c.month_usage", "c.month_start"])
        .where("k.id", "=", key.id)
        .executeTakeFirstOrThrow();
      const now = Date.now();
      // A period that ended counts as zero until the next charge rolls its counter over.
      const inPeriod = (usage: bigint, start: bigint, reset: "daily" | "weekly" | "monthly" | "none") => (start < BigInt(periodStart(reset, now)) ? 0n : usage);
      const periodUsage = inPeriod(row.period_usage, row.period_start, key.limitReset);
      return {
        data: {
          label: `${row.name} (${row.prefix}…)`,
          limit: key.limitAmount === null ? null : nanosToUsdNumber(key.limitAmount),
          limit_reset: key.limitReset === "none" ? null : key.limitReset,
          limit_remaining: key.limitAmount === null ? null : nanosToUsdNumber(key.limitAmount - periodUsage - row.held),
          usage: nanosToUsdNumber(row.usage),
          usage_daily: nanosToUsdNumber(inPeriod(row.day_usage, row.day_start, "daily")),
          usage_weekly: nanosToUsdNumber(inPeriod(row.week_usage, row.week_start, "weekly")),
          usage_monthly: nanosToUsdNumber(inPeriod(row.month_usage, row.month_start, "monthly")),
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
      const row = await db.selectFrom("balances").select(["credited", "debited"]).where("tenant_id", "=", key.tenantId).executeTakeFirstOrThrow();
      return { data: { total_credits: nanosToUsdNumber(row.credited), total_usage: nanosToUsdNumber(row.debited) } };
    },

    async generation(key: KeyRecord, query: string) {
      const id = new URLSearchParams(query).get("id");
      if (!id) throw new ProxyError("BAD_REQUEST", "Query parameter 'id' is required.");
      const call = await findCall(id);
      if (!call || call.tenant_id !== key.tenantId) throw new ProxyError("NOT_FOUND", `Generation ${id} not found.`);
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
      const cached = modelsCache.get(integration.slug);
      if (cached && cached.source === models && cached.markup === markup) return cached.body;
      const body =
        markup === 0n
          ? { data: models }
          : {
              data: models.map((m) => ({
                ...m,
                pricing: Object.fromEntries(
                  Object.entries((m.pricing ?? {}) as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? markedUpPrice(v, markup) : v]),
                ),
              })),
            };
      modelsCache.set(integration.slug, { source: models, markup, body });
      return body;
    },
  };

  /** A call by generation or request id: still in the outbox, or one indexed row. */
  async function findCall(id: string) {
    await deps.ledger.flush();
    const queued = deps.calls.queued(id);
    if (queued) return queued;
    const stored = await db.selectFrom("calls").selectAll().where("request_id", "=", id).executeTakeFirst();
    return stored ?? (await db.selectFrom("calls").selectAll().where("generation_id", "=", id).executeTakeFirst());
  }
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
