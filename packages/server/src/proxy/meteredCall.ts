// One metered call, in the lifecycle's words: authenticate → admit → forward → relay → meter → settle.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Integration } from "@vendo/integrations";
import type { CallRecord, Ledger } from "../ledger/ledger.js";
import type { GenerationFacts } from "../ledger/reconcile.js";
import { toNanos, type ExactUsd } from "../ledger/money.js";
import { holdAmount, tokensCost, type ModelPrice } from "../ledger/pricing.js";
import type { KeyRecord } from "./keyCache.js";
import { ProxyError } from "./errors.js";
import { createJsonMeter, createSseMeter, type MeteredUsage } from "./meter.js";
import type { PriceBook } from "./priceBook.js";
import { parseCallRequest, readBody, type CallRequest } from "./readRequest.js";
import { relay, relayError } from "./relay.js";
import type { Upstream } from "./upstream.js";

export interface MeteredCallDeps {
  ledger: Ledger;
  upstream: Upstream;
  priceBook: PriceBook;
  markupBps(slug: string): bigint;
  upstreamUrl(slug: string): string;
  instanceLimits: { maxBodyBytes: number; holdTimeoutMs: number; defaultCompletionCap: number; drainTimeoutMs: number; drainMaxBytes: number };
  /** Calls in flight on this instance: the reconciler leaves their holds alone. */
  inFlight: Set<string>;
  /** The upstream's record of a generation (cost and tokens), or null when it cannot tell. */
  lookupGeneration(hold: { integration: string; generationId: string; credentialId: string }): Promise<GenerationFacts | null>;
  onSettled?: (call: CallRecord) => void;
}

export interface MeteredCallContext {
  integration: Integration;
  path: string;
  key: KeyRecord;
  requestId: string;
  startedAt: number;
}

export async function meteredCall(deps: MeteredCallDeps, req: IncomingMessage, res: ServerResponse, call: MeteredCallContext): Promise<void> {
  const { integration, key, requestId } = call;
  const body = await readBody(req, deps.instanceLimits.maxBodyBytes);
  const request = parseCallRequest(req, body, call.path);
  if (key.models) {
    const refused = request.models.find((m) => !key.models?.has(m));
    if (refused) throw new ProxyError("MODEL_NOT_ALLOWED", `This key may not use model '${refused}'.`);
  }

  // admit
  const markupBps = deps.markupBps(integration.slug);
  // With a bring-your-own key the provider bills the tenant directly: Vendo holds and charges nothing.
  const ownKey = key.ownCredential !== null;
  const { price, amount } = await admission(deps, integration, request, call.path, body.length, markupBps);
  // In flight from before the hold exists, so the reconciler never takes it for an orphan.
  deps.inFlight.add(requestId);
  let admitted;
  try {
    admitted = await deps.ledger.admit({
      requestId,
      tenantId: key.tenantId,
      keyId: key.id,
      amount: ownKey ? 0n : amount,
      integration: integration.slug,
      model: request.model,
      expiresAt: call.startedAt + deps.instanceLimits.holdTimeoutMs,
    });
  } catch {
    deps.inFlight.delete(requestId);
    throw new ProxyError("STORE_UNAVAILABLE");
  }
  if (!admitted.ok) {
    deps.inFlight.delete(requestId);
    throw new ProxyError(admitted.reason === "key_limit" ? "KEY_LIMIT" : "INSUFFICIENT_CREDITS");
  }

  const record = (fields: Partial<CallRecord> & Pick<CallRecord, "status" | "http_status">): CallRecord => ({
    deployment_id: key.deploymentId,
    integration: integration.slug,
    path: call.path,
    model: request.model,
    generation_id: null,
    prompt_tokens: 0n,
    completion_tokens: 0n,
    upstream_cost: 0n,
    charge: 0n,
    estimated: 0n,
    streamed: request.stream ? 1n : 0n,
    latency_ms: BigInt(Date.now() - call.startedAt),
    created_at: BigInt(call.startedAt),
    ...fields,
  });

  try {
    // forward
    let upstream;
    try {
      upstream = await deps.upstream.forward({
        integration,
        baseUrl: deps.upstreamUrl(integration.slug),
        method: "POST",
        path: call.path,
        headers: forwardedHeaders(req, integration),
        body,
        ownCredential: key.ownCredential,
        requestId,
      });
    } catch (error) {
      await deps.ledger.release(requestId, record({ status: "upstream_error", http_status: BigInt((error as ProxyError).status ?? 502) }));
      throw error;
    }

    if (upstream.statusCode >= 400) {
      // The upstream refused before producing output: nothing to charge.
      await relayError(upstream, res, requestId);
      await deps.ledger.release(requestId, record({ status: "upstream_error", http_status: BigInt(upstream.statusCode) }));
      return;
    }

    // relay + meter
    const isStream = String(upstream.headers["content-type"] ?? "").startsWith("text/event-stream");
    const meter = isStream ? createSseMeter() : createJsonMeter(64 * 1024 * 1024);
    const outcome = await relay(upstream, res, meter, {
      requestId,
      streaming: isStream,
      drainTimeoutMs: deps.instanceLimits.drainTimeoutMs,
      drainMaxBytes: deps.instanceLimits.drainMaxBytes,
      ...(isStream ? { onGeneration: (id: string) => deps.ledger.noteGeneration(requestId, id, upstream.credential.id) } : {}),
    });

    // settle
    let usage = meter.finish();
    const generationId = usage.generationId ?? headerValue(upstream.headers["x-generation-id"]);
    if (usage.refused) {
      // A 200 that carries only an error: the upstream produced nothing to bill.
      await deps.ledger.release(requestId, record({ status: "upstream_error", http_status: BigInt(upstream.statusCode), generation_id: generationId }));
      return;
    }
    if (usage.estimated && generationId && !ownKey) {
      // The usage never came (the stream broke): the upstream's own record of the generation is the price.
      usage = (await upstreamUsage(deps, integration.slug, generationId, upstream.credential.id)) ?? usage;
    }
    // Cost and charge are each rounded once, from the exact cost: never the markup of a rounded cost.
    const cost = costOf(integration, usage, price, body.length);
    const upstreamCost = toNanos(cost);
    const charge = ownKey
      ? 0n
      : integration.metering.kind === "per_call"
        ? amount // a per-call price is known in advance: the hold is the charge
        : toNanos(cost, markupBps);
    const settled = record({
      status: outcome.clientAborted ? "client_aborted" : outcome.upstreamBroke ? "upstream_error" : "ok",
      http_status: BigInt(upstream.statusCode),
      generation_id: generationId,
      prompt_tokens: BigInt(usage.promptTokens),
      completion_tokens: BigInt(usage.completionTokens),
      upstream_cost: upstreamCost,
      charge,
      estimated: usage.estimated ? 1n : 0n,
      streamed: isStream ? 1n : 0n,
    });
    await deps.ledger.settle(requestId, settled);
    deps.onSettled?.(settled);
  } finally {
    deps.inFlight.delete(requestId);
  }
}

/**
 * The hold: with fallbacks any listed model may serve the call, so the most any of them can cost
 * (each with its own prompt, completion and request prices and its own completion cap).
 */
async function admission(
  deps: MeteredCallDeps,
  integration: Integration,
  request: CallRequest,
  path: string,
  bodyBytes: number,
  markupBps: bigint,
): Promise<{ price: ModelPrice | null; amount: bigint }> {
  if (integration.metering.kind !== "per_token") {
    return { price: null, amount: holdAmount({ metering: integration.metering, price: null, promptBound: 0, completionBound: 0, markupBps }) };
  }
  let dearest: { price: ModelPrice | null; amount: bigint } = { price: null, amount: -1n };
  for (const model of request.models) {
    const price = await deps.priceBook.price(integration, model);
    if (!price) throw new ProxyError("BAD_REQUEST", `'${model}' is not a valid model ID.`);
    const completion = path.endsWith("/embeddings") ? 0 : completionBound(request, price, deps.instanceLimits.defaultCompletionCap);
    const amount = holdAmount({ metering: integration.metering, price, promptBound: bodyBytes, completionBound: completion, markupBps });
    if (amount > dearest.amount) dearest = { price, amount };
  }
  return dearest;
}

function completionBound(request: CallRequest, price: ModelPrice, defaultCap: number): number {
  if (request.maxTokens !== null) return request.maxTokens;
  return Math.min(defaultCap, price.maxCompletionTokens ?? defaultCap);
}

/** Asks the upstream for a generation's usage a few times: its record may trail the stream's end. */
async function upstreamUsage(deps: MeteredCallDeps, slug: string, generationId: string, credentialId: string): Promise<MeteredUsage | null> {
  for (const waitMs of [0, 250, 1000]) {
    if (waitMs) await new Promise((r) => setTimeout(r, waitMs));
    const facts = await deps.lookupGeneration({ integration: slug, generationId, credentialId }).catch(() => null);
    if (facts) {
      return { promptTokens: facts.promptTokens, completionTokens: facts.completionTokens, cost: facts.cost, generationId, estimated: false, refused: false };
    }
  }
  return null;
}

/** The upstream's own figure when it gave one, else tokens × the price book (estimated prompt if unknown). */
function costOf(integration: Integration, usage: MeteredUsage, price: ModelPrice | null, bodyBytes: number): ExactUsd {
  const zero = { numerator: 0n, scale: 0 };
  if (integration.metering.kind === "per_call") return zero;
  if (usage.cost !== null) return usage.cost;
  if (!price) return zero;
  const prompt = usage.estimated && usage.promptTokens === 0 ? Math.ceil(bodyBytes / 4) : usage.promptTokens;
  return tokensCost(price, prompt, usage.completionTokens);
}

function forwardedHeaders(req: IncomingMessage, integration: Integration): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const accept = req.headers.accept;
  if (accept) headers.accept = accept;
  for (const name of integration.upstream.passHeaders) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  return headers;
}

function headerValue(v: string | string[] | undefined): string | null {
  return typeof v === "string" ? v : null;
}
