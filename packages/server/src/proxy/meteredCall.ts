// One metered call, in the lifecycle's words: authenticate → admit → forward → relay → meter → settle.
// The money rules it follows are docs/money.md's; the numbers in comments name its invariants.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Integration } from "@vendo/integrations";
import type { CallRecorder } from "../ledger/callRecords.js";
import type { AdmitResult, Ledger, Posting } from "../ledger/ledger.js";
import { formatUsd, toNanos, type ExactUsd } from "../ledger/money.js";
import { fitRequest, holdFor, perCallCost, tokensCost, worstCase, type ModelPrice, type WorstCase } from "../ledger/pricing.js";
import type { GenerationFacts } from "../ledger/reaper.js";
import type { CallsTable } from "../store/schema.js";
import { ProxyError } from "./errors.js";
import type { KeyRecord } from "./keyCache.js";
import { createJsonMeter, createSseMeter, type MeteredUsage } from "./meter.js";
import type { PriceBook } from "./priceBook.js";
import { parseCallRequest, readBody, type CallRequest } from "./readRequest.js";
import { relay, relayError } from "./relay.js";
import { requestBoundOf } from "./requestBound.js";
import { UpstreamOutcomeUnknown, type Upstream } from "./upstream.js";

export interface MeteredCallDeps {
  ledger: Ledger;
  calls: CallRecorder;
  upstream: Upstream;
  priceBook: PriceBook;
  markupBps(slug: string): bigint;
  upstreamUrl(slug: string): string;
  instanceLimits: { maxBodyBytes: number; holdTimeoutMs: number; defaultCompletionCap: number; drainTimeoutMs: number; drainMaxBytes: number };
  /** Calls in flight on this instance: the reaper leaves their holds alone. */
  inFlight: Set<string>;
  /** The upstream's record of a generation (cost and tokens), or null when it cannot tell. */
  lookupGeneration(hold: { integration: string; generationId: string; credentialId: string }): Promise<GenerationFacts | null>;
  onSettled?: (call: CallsTable) => void;
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
  const bound = await admission(deps, integration, request, call.path, body.length, markupBps);
  // In flight from before the hold exists, so the reaper never takes it for an orphan.
  deps.inFlight.add(requestId);
  let admitted: AdmitResult;
  try {
    admitted = await deps.ledger.admit({
      requestId,
      tenantId: key.tenantId,
      keyId: key.id,
      amount: ownKey ? 0n : bound.amount,
      integration: integration.slug,
      model: request.model,
      expiresAt: call.startedAt + deps.instanceLimits.holdTimeoutMs,
      ...(key.fitToBalance && !ownKey && bound.worst ? { fit: fitRequest(bound.worst, markupBps) } : {}),
    });
  } catch {
    deps.inFlight.delete(requestId);
    throw new ProxyError("STORE_UNAVAILABLE");
  }
  if (!admitted.ok) {
    deps.inFlight.delete(requestId);
    throw refusal(admitted, bound.worst);
  }
  // fit_to_balance lowered the completion bound: the upstream must be told, and so must the client.
  const fitted = admitted.fittedTokens;
  const forwardBody = fitted === undefined ? body : withMaxTokens(request, fitted);
  const vendoHeaders: Record<string, string> = fitted === undefined ? {} : { "x-vendo-max-tokens": String(fitted) };

  const record = (fields: Partial<CallsTable> & Pick<CallsTable, "status" | "http_status">): CallsTable => ({
    request_id: requestId,
    tenant_id: key.tenantId,
    key_id: key.id,
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
  const release = async (fields: Parameters<typeof record>[0]) => {
    await deps.ledger.void(requestId);
    deps.calls.record(record(fields));
  };

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
        body: forwardBody,
        ownCredential: key.ownCredential,
        requestId,
        clientGone: () => req.socket.destroyed,
      });
    } catch (error) {
      if (error instanceof UpstreamOutcomeUnknown) {
        // The request went out and no answer came: it may have run and may be billed. The hold
        // stays pending for the reaper, with the credential noted for reconciliation (invariant 4).
        deps.ledger.note(requestId, null, error.credential.id);
        deps.calls.record(record({ status: `outcome_unknown_${error.reason}`, http_status: 502n }));
        throw new ProxyError("UPSTREAM_NO_ANSWER");
      }
      const status = error instanceof ProxyError ? error.status : 502;
      await release({ status: error instanceof ProxyError && error.code === "CLIENT_GONE" ? "client_aborted" : "upstream_error", http_status: BigInt(status) });
      throw error;
    }
    const credentialId = upstream.credential.id;
    const headerGeneration = headerValue(upstream.headers["x-generation-id"]);

    if (upstream.statusCode >= 400) {
      // The upstream refused before producing output: nothing to charge.
      await relayError(upstream, res, requestId);
      await release({ status: "upstream_error", http_status: BigInt(upstream.statusCode), generation_id: headerGeneration });
      return;
    }

    // relay + meter; the call's correlation is recorded as soon as it is known (invariant 4).
    const isStream = String(upstream.headers["content-type"] ?? "").startsWith("text/event-stream");
    const meter = isStream ? createSseMeter() : createJsonMeter(64 * 1024 * 1024);
    const outcome = await relay(upstream, res, meter, {
      requestId,
      streaming: isStream,
      drainTimeoutMs: deps.instanceLimits.drainTimeoutMs,
      drainMaxBytes: deps.instanceLimits.drainMaxBytes,
      headers: vendoHeaders,
      onGeneration: (id: string) => deps.ledger.note(requestId, id, credentialId),
    });

    // settle
    let usage = meter.finish();
    const generationId = usage.generationId ?? headerGeneration;
    if (usage.refused) {
      // A 200 that carries only an error: the upstream produced nothing to bill.
      await release({ status: "upstream_error", http_status: BigInt(upstream.statusCode), generation_id: generationId });
      return;
    }
    if (usage.estimated && generationId && !ownKey) {
      // The usage never came (the stream broke): the upstream's own record of the generation is the price.
      usage = (await upstreamUsage(deps, integration.slug, generationId, credentialId)) ?? usage;
    }
    // Cost and charge are each rounded once, from the exact cost: never the markup of a rounded cost.
    const cost = costOf(integration, usage, bound.price, body.length);
    const upstreamCost = toNanos(cost);
    const charge = ownKey ? 0n : toNanos(cost, markupBps);
    const posting: Posting = { charge, upstreamCost, credentialId: ownKey ? null : credentialId, integration: integration.slug };
    await deps.ledger.post(requestId, posting, generationId);
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
    deps.calls.record(settled);
    deps.onSettled?.(settled);
  } finally {
    deps.inFlight.delete(requestId);
  }
}

interface Bound {
  /** The price the call is metered at when the upstream reports no cost (the dearest candidate). */
  price: ModelPrice | null;
  /** The hold (nano-USD, markup included, rounded up). */
  amount: bigint;
  /** The worst case behind it (per-token integrations), for fit_to_balance and the 402 message. */
  worst: WorstCase | null;
}

/**
 * The hold (invariant 3): with fallbacks any listed model may serve the call, so the most any of
 * them can cost, each with its own prices and limits.
 */
async function admission(
  deps: MeteredCallDeps,
  integration: Integration,
  request: CallRequest,
  path: string,
  bodyBytes: number,
  markupBps: bigint,
): Promise<Bound> {
  if (integration.metering.kind !== "per_token") {
    return { price: null, amount: toNanos(perCallCost(integration.metering), markupBps, "up"), worst: null };
  }
  const requestBound = requestBoundOf(request, bodyBytes, path.endsWith("/embeddings"));
  let dearest: Bound = { price: null, amount: -1n, worst: null };
  for (const model of request.models) {
    const price = await deps.priceBook.price(integration, model);
    if (!price) throw new ProxyError("BAD_REQUEST", `'${model}' is not a valid model ID.`);
    const worst = worstCase(price, requestBound, deps.instanceLimits.defaultCompletionCap);
    const amount = holdFor(worst, markupBps);
    if (amount > dearest.amount) dearest = { price, amount, worst };
  }
  return dearest;
}

/** A 402 that says what was asked, what is there, and how to fit (OpenRouter's limit_source). */
function refusal(result: Extract<AdmitResult, { ok: false }>, worst: WorstCase | null): ProxyError {
  if (result.reason === "unknown_account") return new ProxyError("INSUFFICIENT_CREDITS");
  const keyLimit = result.reason === "key_limit";
  const where = keyLimit ? "this key's spending limit has" : "the balance has";
  const completes = worst !== null && worst.completionBound > 0;
  const completion = completes ? ` (${worst.completionBound} completion token${worst.completionBound === 1 ? "" : "s"} per choice at most)` : "";
  const lower = completes ? "Lower max_tokens or shorten the prompt" : "Shorten the input";
  const message =
    `This request could cost up to $${formatUsd(result.needed)}${completion}, and ${where} $${formatUsd(result.available)} available. ` +
    (keyLimit ? `${lower}, or raise the key's limit.` : `${lower}, or add credits.`);
  return new ProxyError(keyLimit ? "KEY_LIMIT" : "INSUFFICIENT_CREDITS", message, {}, {
    limit_source: keyLimit ? "openrouter_key_limit" : "openrouter_credits",
    requested_usd: formatUsd(result.needed),
    available_usd: formatUsd(result.available),
  });
}

/** The request with its completion bound lowered to what fit_to_balance admitted. */
function withMaxTokens(request: CallRequest, tokens: number): Buffer {
  const fields = { ...request.fields };
  if (fields.max_completion_tokens !== undefined && fields.max_completion_tokens !== null) fields.max_completion_tokens = tokens;
  if (fields.max_tokens !== undefined && fields.max_tokens !== null) fields.max_tokens = tokens;
  if (fields.max_tokens == null && fields.max_completion_tokens == null) fields.max_tokens = tokens;
  return Buffer.from(JSON.stringify(fields));
}

/** Asks the upstream for a generation's usage a few times: its record may trail the stream's end. */
async function upstreamUsage(deps: MeteredCallDeps, slug: string, generationId: string, credentialId: string): Promise<MeteredUsage | null> {
  for (const waitMs of [0, 250, 1000]) {
    if (waitMs) await new Promise((r) => setTimeout(r, waitMs));
    const facts = await deps.lookupGeneration({ integration: slug, generationId, credentialId }).catch(() => null);
    if (facts) {
      return {
        promptTokens: facts.promptTokens,
        completionTokens: facts.completionTokens,
        cachedTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        cost: facts.cost,
        generationId,
        estimated: false,
        refused: false,
        finishReason: null,
      };
    }
  }
  return null;
}

/** The upstream's own figure when it gave one, else tokens × the price book (estimated prompt if unknown). */
function costOf(integration: Integration, usage: MeteredUsage, price: ModelPrice | null, bodyBytes: number): ExactUsd {
  if (integration.metering.kind === "per_call") return perCallCost(integration.metering);
  if (usage.cost !== null) return usage.cost;
  if (!price) return { numerator: 0n, scale: 0 };
  const promptTokens = usage.estimated && usage.promptTokens === 0 ? Math.ceil(bodyBytes / 4) : usage.promptTokens;
  return tokensCost(price, { ...usage, promptTokens });
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
