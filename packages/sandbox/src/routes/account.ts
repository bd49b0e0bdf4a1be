// Per-upstream-key reads: GET /api/v1/key, /api/v1/credits, /api/v1/generation?id=

import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxCall } from "../audit.ts";
import type { SandboxContext } from "../generate.ts";
import type { KeyState } from "../keys.ts";
import { findModel } from "../models.ts";
import { nanosToUsd } from "../money.ts";
import { sendError, sendJson } from "../respond.ts";

function keyBody(k: KeyState, now: number): string {
  const limited = k.limitedUsage(now);
  return JSON.stringify({
    data: {
      label: k.label,
      limit: k.limitNanos === null ? null : nanosToUsd(k.limitNanos),
      limit_reset: k.limitReset,
      limit_remaining: k.limitNanos === null ? null : nanosToUsd(k.limitNanos - limited),
      usage: nanosToUsd(k.usageNanos),
      usage_daily: nanosToUsd(k.dailyNanos),
      usage_weekly: nanosToUsd(k.weeklyNanos),
      usage_monthly: nanosToUsd(k.monthlyNanos),
      is_free_tier: false,
      expires_at: null,
      byok_usage: 0,
      byok_usage_daily: 0,
      byok_usage_weekly: 0,
      byok_usage_monthly: 0,
      include_byok_in_limit: false,
      is_management_key: false,
      is_provisioning_key: false,
      creator_user_id: null,
      organization_id: null,
      workspace_id: null,
      allowed_data_regions: ["global"],
      free_model_daily_requests: { limit: 1000, remaining: 1000, used: 0 },
      rate_limit: { requests: k.rpm ?? -1, interval: "1m", note: k.rpm === null ? "no sandbox rate limit" : "sliding 60 s window" },
    },
  });
}

function generationBody(c: SandboxCall): string {
  const model = c.model === null ? undefined : findModel(c.model);
  const native = c.finishReason === "stop" ? model?.nativeStop : c.finishReason === "length" ? model?.nativeLength : c.finishReason;
  return JSON.stringify({
    data: {
      id: c.id,
      request_id: c.requestId,
      model: c.model ?? "",
      provider_name: model?.provider ?? null,
      api_type: model?.kind === "embedding" ? "embeddings" : "completions",
      created_at: new Date(c.startedAt).toISOString(),
      total_cost: c.costUsd,
      usage: c.costUsd,
      upstream_inference_cost: null,
      cache_discount: null,
      is_byok: false,
      tokens_prompt: c.promptTokens,
      tokens_completion: c.completionTokens,
      native_tokens_prompt: c.promptTokens,
      native_tokens_completion: c.completionTokens,
      native_tokens_cached: c.cachedTokens,
      native_tokens_reasoning: 0,
      native_tokens_completion_images: null,
      cancelled: c.cancelled,
      streamed: c.streamed,
      finish_reason: c.finishReason,
      native_finish_reason: native ?? null,
      latency: c.durationMs,
      generation_time: c.durationMs,
      moderation_latency: null,
      origin: "",
      app_id: null,
      external_user: null,
      http_referer: null,
      user_agent: null,
      data_region: "global",
      num_fetches: null,
      num_input_audio_prompt: null,
      num_media_completion: null,
      num_media_prompt: null,
      num_search_results: null,
      preset_id: null,
      provider_responses: null,
      router: null,
      service_tier: null,
      upstream_id: null,
      web_search_engine: null,
      workspace_id: null,
    },
  });
}

/** Returns true when the path was one of ours (and has been answered). */
export function handleAccount(ctx: SandboxContext, path: string, query: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (path !== "/api/v1/key" && path !== "/api/v1/credits" && path !== "/api/v1/generation") return false;
  if (req.method !== "GET") {
    sendError(res, 405, "Method Not Allowed");
    return true;
  }
  const key = ctx.keys.authenticate(req.headers.authorization);
  if (!key) {
    sendError(res, 401);
    return true;
  }
  const now = Date.now();
  if (path === "/api/v1/key") sendJson(res, 200, keyBody(key, now));
  else if (path === "/api/v1/credits") {
    sendJson(res, 200, JSON.stringify({ data: { total_credits: nanosToUsd(key.creditsNanos), total_usage: nanosToUsd(key.usageNanos) } }));
  } else {
    sendGeneration(ctx, key, new URLSearchParams(query).get("id"), res);
  }
  return true;
}

function sendGeneration(ctx: SandboxContext, key: KeyState, id: string | null, res: ServerResponse): void {
  if (!id) return sendError(res, 400, "id is required");
  const call = ctx.audit.generation(id);
  // A generation is visible only to the key that made it, as on OpenRouter.
  if (!call || call.key !== key.key) return sendError(res, 404, `Generation ${id} not found`);
  sendJson(res, 200, generationBody(call));
}
