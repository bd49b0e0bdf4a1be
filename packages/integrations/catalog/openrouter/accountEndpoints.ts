// OpenRouter's account endpoints, answered by Vendo from its own books so clients that read them
// work unchanged: /key (the calling key), /credits (the tenant), /generation (one call), /models
// (the upstream's list with Vendo's prices). Field names and shapes are OpenRouter's; every figure
// is Vendo's.
import type { Integration } from "../../src/schema.js";
import { RequestRefused, type AccountEndpoint } from "../../adapters/seam.js";

const key: AccountEndpoint = {
  public: false,
  async answer(facts) {
    const k = await facts.key();
    return {
      data: {
        label: `${k.name} (${k.prefix}…)`,
        limit: k.limit === null ? null : facts.usd(k.limit),
        limit_reset: k.limitReset === "none" ? null : k.limitReset,
        limit_remaining: k.limit === null ? null : facts.usd(k.limit - k.limitUsed),
        usage: facts.usd(k.usage),
        usage_daily: facts.usd(k.usageDaily),
        usage_weekly: facts.usd(k.usageWeekly),
        usage_monthly: facts.usd(k.usageMonthly),
        is_free_tier: false,
        expires_at: k.expiresAt === null ? null : new Date(k.expiresAt).toISOString(),
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
        rate_limit: { interval: "1m", requests: k.rpm ?? -1, note: k.rpm === null ? "no per-key limit" : "per key, per instance" },
      },
    };
  },
};

const credits: AccountEndpoint = {
  public: false,
  async answer(facts) {
    const c = await facts.credits();
    return { data: { total_credits: facts.usd(c.credited), total_usage: facts.usd(c.debited) } };
  },
};

const generation: AccountEndpoint = {
  public: false,
  async answer(facts, query) {
    const id = new URLSearchParams(query).get("id");
    if (!id) throw new RequestRefused("Query parameter 'id' is required.");
    const call = await facts.call(id);
    if (!call) throw new RequestRefused(`Generation ${id} not found.`, "NOT_FOUND");
    const cost = facts.usd(call.charge);
    return {
      data: {
        ...emptyGeneration,
        id: call.generationId ?? call.requestId,
        request_id: call.requestId,
        upstream_id: call.generationId,
        model: call.model ?? "",
        api_type: call.path.endsWith("/embeddings") ? "embeddings" : "completions",
        created_at: new Date(call.createdAt).toISOString(),
        total_cost: cost,
        usage: cost,
        upstream_inference_cost: facts.usd(call.upstreamCost),
        tokens_prompt: call.promptTokens,
        tokens_completion: call.completionTokens,
        native_tokens_prompt: call.promptTokens,
        native_tokens_completion: call.completionTokens,
        streamed: call.streamed,
        cancelled: call.status === "client_aborted",
        latency: call.latencyMs,
        // Vendo's own fields: the exact charge, and how it was reached.
        vendo: { charge_usd: facts.usdText(call.charge), upstream_cost_usd: facts.usdText(call.upstreamCost), estimated: call.estimated, status: call.status },
      },
    };
  },
};

/** /models with Vendo's prices: every per-unit price carries the markup. Remade only when the
 *  upstream's list or the markup changed (a unit price marked up fingerprints the markup). */
let modelsCache: { list: unknown; markup: string; body: unknown } | null = null;
const models: AccountEndpoint = {
  public: true,
  async answer(facts) {
    const list = await facts.models();
    const markup = facts.markedUp("1");
    if (modelsCache && modelsCache.list === list && modelsCache.markup === markup) return modelsCache.body;
    const body = {
      data: list.map((m) => ({
        ...m,
        pricing: Object.fromEntries(Object.entries((m.pricing ?? {}) as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? facts.markedUp(v) : v])),
      })),
    };
    modelsCache = { list, markup, body };
    return body;
  },
};

const endpoints: Readonly<Record<string, AccountEndpoint>> = { key, credits, generation, models };

export function accountEndpoint(method: string, path: string, integration: Integration): AccountEndpoint | null {
  if (method !== "GET" || !path.startsWith(integration.proxy.basePath + "/")) return null;
  return endpoints[path.slice(integration.proxy.basePath.length + 1)] ?? null;
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
