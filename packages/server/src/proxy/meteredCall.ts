// One metered call, in the lifecycle's words: authenticate → admit → forward → relay → meter → settle.
// The money rules it follows are docs/money.md's; the numbers in comments name its invariants.
// What differs between upstreams (how a request is read and bounded, rewritten, metered, looked up)
// is the integration's adapter's (packages/integrations/adapters/seam.ts): nothing here names one.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Integration } from "@vendo/integrations";
import { RequestRefused, type Adapter, type CallRequest, type MeteredUsage } from "@vendo/integrations/adapters";
import type { CallRecorder } from "../ledger/callRecords.js";
import type { AdmitResult, Ledger, Posting } from "../ledger/ledger.js";
import { formatUsd, parseExactUsd, sumPrices, toNanos, ZERO_USD, type ExactUsd } from "../ledger/money.js";
import { fitRequest, holdFor, tokensCost, worstCase, type ModelPrice, type WorstCase } from "../ledger/pricing.js";
import type { GenerationFacts } from "../ledger/reaper.js";
import type { CallsTable } from "../store/schema.js";
import { ProxyError } from "./errors.js";
import type { KeyRecord } from "./keyCache.js";
import type { PriceBook } from "./priceBook.js";
import { parseJsonBody, readBody } from "./readRequest.js";
import { relay, relayError } from "./relay.js";
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
  adapter: Adapter;
  path: string;
  query: string;
  key: KeyRecord;
  requestId: string;
  startedAt: number;
}

/** Reads a metered call's request through its adapter: a refusal is a 400 (or 404), before any hold. */
export async function readCall(req: IncomingMessage, call: MeteredCallContext, maxBodyBytes: number): Promise<{ body: Buffer; request: CallRequest }> {
  const body = await readBody(req, maxBodyBytes);
  const method = req.method === "GET" ? "GET" : "POST";
  const fields = call.adapter.jsonBody && method === "POST" ? parseJsonBody(req, body) : null;
  try {
    const request = call.adapter.readRequest({ method, path: call.path, query: call.query, headers: req.headers, body, fields }, call.integration);
    return { body, request };
  } catch (error) {
    if (error instanceof RequestRefused) throw new ProxyError(error.code, error.message);
    throw error;
  }
}

export async function meteredCall(deps: MeteredCallDeps, req: IncomingMessage, res: ServerResponse, call: MeteredCallContext): Promise<void> {
  const { integration, adapter, key, requestId } = call;
  const { body, request } = await readCall(req, call, deps.instanceLimits.maxBodyBytes);
  if (key.models) {
    const refused = request.models.find((m) => !key.models?.has(m));
    if (refused) throw new ProxyError("MODEL_NOT_ALLOWED", `This key may not use model '${refused}'.`);
  }

  // admit
  const markupBps = deps.markupBps(integration.slug);
  // With a bring-your-own key the provider bills the tenant directly: Vendo holds and charges only
  // the profile's per-call fee, if it has one.
  const ownKey = key.ownCredential !== null;
  const priced = await admission(deps, integration, request, markupBps);
  const fee = ownKey ? ownKeyFee(integration, key) : null;
  const bound = fee === null ? priced : { ...priced, amount: fee, worst: null };
  // In flight from before the hold exists, so the reaper never takes it for an orphan.
  deps.inFlight.add(requestId);
  let admitted: AdmitResult;
  try {
    admitted = await deps.ledger.admit({
      requestId,
      tenantId: key.tenantId,
      keyId: key.id,
      amount: bound.amount,
      integration: integration.slug,
      model: request.model,
      expiresAt: call.startedAt + deps.instanceLimits.holdTimeoutMs,
      ...(key.fitToBalance && !ownKey && bound.worst && adapter.rewrite ? { fit: fitRequest(bound.worst, markupBps) } : {}),
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
  const fitted = admitted.fittedTokens ?? null;
  const forwardBody = adapter.rewrite?.(request, fitted) ?? body;
  const vendoHeaders: Record<string, string> = fitted === null ? {} : { "x-vendo-max-tokens": String(fitted) };

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
        method: req.method === "GET" ? "GET" : "POST",
        path: call.query ? `${call.path}?${call.query}` : call.path,
        headers: forwardedHeaders(req, integration, forwardBody.length > 0),
        body: forwardBody.length > 0 ? forwardBody : null,
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
    const headerGeneration = adapter.generationHeader ? headerValue(upstream.headers[adapter.generationHeader]) : null;

    if (upstream.statusCode >= 400) {
      // The upstream refused before producing output: nothing to charge.
      await relayError(upstream, res, requestId);
      await release({ status: "upstream_error", http_status: BigInt(upstream.statusCode), generation_id: headerGeneration });
      return;
    }

    // relay + meter; the call's correlation is recorded as soon as it is known (invariant 4).
    const isStream = String(upstream.headers["content-type"] ?? "").startsWith("text/event-stream");
    const meter = adapter.meter(request, isStream);
    const outcome = await relay(upstream, res, meter, {
      requestId,
      streaming: isStream,
      drainTimeoutMs: deps.instanceLimits.drainTimeoutMs,
      drainMaxBytes: deps.instanceLimits.drainMaxBytes,
      headers: vendoHeaders,
      generationHeader: adapter.generationHeader,
      filter: adapter.answerFilter?.(request, isStream) ?? null,
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
    if (usage.estimated && generationId && !ownKey && adapter.records.lookupGeneration) {
      // The usage never came (the stream broke): the upstream's own record of the generation is the price.
      usage = (await upstreamUsage(deps, integration.slug, generationId, credentialId)) ?? usage;
    }
    // Cost and charge are each rounded once, from the exact cost: never the markup of a rounded cost.
    const cost = costOf(usage, bound, body.length);
    const posting: Posting =
      fee === null
        ? { charge: toNanos(cost, markupBps), upstreamCost: toNanos(cost), credentialId, integration: integration.slug }
        : // The provider bills the tenant directly: only the fee, all of it revenue, nothing payable
          // upstream; the upstream cost stays on record for the tenant's information.
          { charge: fee, upstreamCost: toNanos(cost), credentialId: null, integration: integration.slug };
    await deps.ledger.post(requestId, posting, generationId);
    const settled = record({
      status: outcome.clientAborted ? "client_aborted" : outcome.upstreamBroke ? "upstream_error" : "ok",
      http_status: BigInt(upstream.statusCode),
      generation_id: generationId,
      prompt_tokens: BigInt(usage.promptTokens),
      completion_tokens: BigInt(usage.completionTokens),
      upstream_cost: posting.upstreamCost,
      charge: posting.charge,
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
  /** Per-call integrations: the price of one unit (catalog). */
  unitPrice: ExactUsd | null;
  /** Per-call integrations: the units held for. */
  units: number;
  /** The hold (nano-USD, markup included, rounded up). */
  amount: bigint;
  /** The worst case behind it (per-token integrations), for fit_to_balance and the 402 message. */
  worst: WorstCase | null;
}

/**
 * The hold (invariant 3). Per call: the most units the request can be billed, at the catalog's
 * price. Per token: with fallbacks any listed model may serve the call, so the most any of them
 * can cost, each with its own prices and limits.
 */
async function admission(deps: MeteredCallDeps, integration: Integration, request: CallRequest, markupBps: bigint): Promise<Bound> {
  if (integration.metering.kind === "per_call") {
    const unitPrice = parseExactUsd(integration.metering.priceUsd) ?? ZERO_USD;
    return { price: null, unitPrice, units: request.units, amount: toNanos(unitsCost(unitPrice, request.units), markupBps, "up"), worst: null };
  }
  let dearest: Bound = { price: null, unitPrice: null, units: 0, amount: -1n, worst: null };
  for (const model of request.models) {
    const price = await deps.priceBook.price(integration, model);
    if (!price) throw new ProxyError("BAD_REQUEST", `'${model}' is not a valid model ID.`);
    const worst = worstCase(price, request.bound, deps.instanceLimits.defaultCompletionCap);
    const amount = holdFor(worst, markupBps);
    if (amount > dearest.amount) dearest = { price, unitPrice: null, units: 0, amount, worst };
  }
  if (dearest.amount < 0n) throw new ProxyError("BAD_REQUEST", "'model' is required.");
  return dearest;
}

/** A bring-your-own-key call's hold and charge: its profile's per-call fee (nano-USD, 0 without one). */
function ownKeyFee(integration: Integration, key: KeyRecord): bigint {
  const profile = integration.profiles.find((p) => p.id === key.profile) ?? integration.profiles.find((p) => p.credential === "tenant");
  return profile?.feeUsd === undefined ? 0n : toNanos(parseExactUsd(profile.feeUsd) ?? ZERO_USD);
}

function unitsCost(unitPrice: ExactUsd, units: number): ExactUsd {
  return sumPrices([{ count: BigInt(Math.max(0, Math.floor(units))), price: unitPrice }]);
}

/** A 402 that says what was asked, what is there, and how to fit. */
function refusal(result: Extract<AdmitResult, { ok: false }>, worst: WorstCase | null): ProxyError {
  if (result.reason === "unknown_account") return new ProxyError("INSUFFICIENT_CREDITS");
  const keyLimit = result.reason === "key_limit";
  const where = keyLimit ? "this key's spending limit has" : "the balance has";
  // Per-token calls name what to lower; a per-call one (no worst case) can only be paid for.
  const completes = worst !== null && worst.completionBound > 0;
  const completion = completes ? ` (${worst.completionBound} completion token${worst.completionBound === 1 ? "" : "s"} per choice at most)` : "";
  const lower = worst === null ? null : completes ? "Lower max_tokens or shorten the prompt" : "Shorten the input";
  const remedy = keyLimit ? "raise the key's limit." : "add credits.";
  const message =
    `This request could cost up to $${formatUsd(result.needed)}${completion}, and ${where} $${formatUsd(result.available)} available. ` +
    (lower ? `${lower}, or ${remedy}` : remedy.charAt(0).toUpperCase() + remedy.slice(1));
  return new ProxyError(keyLimit ? "KEY_LIMIT" : "INSUFFICIENT_CREDITS", message, {}, {
    source: keyLimit ? "key" : "balance",
    requestedUsd: formatUsd(result.needed),
    availableUsd: formatUsd(result.available),
  });
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
        cacheWriteLongTokens: 0,
        reasoningTokens: 0,
        units: null,
        cost: exactText(facts.cost),
        generationId,
        estimated: false,
        refused: false,
        finishReason: null,
      };
    }
  }
  return null;
}

function exactText(amount: ExactUsd): string {
  return amount.scale === 0 ? amount.numerator.toString() : `${amount.numerator}e-${amount.scale}`;
}

/**
 * The upstream's own figure when it gave one; per call, the units it billed (or the units held
 * for, when the answer did not say) at the catalog's price; per token, tokens × the price book
 * (an estimated prompt if unknown).
 */
function costOf(usage: MeteredUsage, bound: Bound, bodyBytes: number): ExactUsd {
  const reported = usage.cost === null ? null : parseExactUsd(usage.cost);
  if (reported) return reported;
  if (bound.unitPrice) return unitsCost(bound.unitPrice, usage.units ?? bound.units);
  if (!bound.price) return ZERO_USD;
  const promptTokens = usage.estimated && usage.promptTokens === 0 ? Math.ceil(bodyBytes / 4) : usage.promptTokens;
  return tokensCost(bound.price, { ...usage, promptTokens });
}

/** What goes upstream besides the body and the credential: its type, what the client accepts, and
 *  the headers the catalog lets through. */
function forwardedHeaders(req: IncomingMessage, integration: Integration, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const type = req.headers["content-type"];
  if (hasBody) headers["content-type"] = typeof type === "string" ? type : "application/json";
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
