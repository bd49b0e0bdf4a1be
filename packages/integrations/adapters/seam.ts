// The adapter seam (DESIGN §2): everything that differs between upstreams, in one interface per
// integration kind, chosen by the catalog (`adapter`). The generic proxy (packages/server/src/proxy)
// runs a call's lifecycle — authenticate → admit → forward → relay → meter → settle — and asks the
// integration's adapter only these questions. Adapters know the upstream's dialect; they never move
// money, touch the store or round an amount: figures cross the seam as exact decimal text and
// token counts, and the server's money code turns them into nano-USD once.
import type { Integration } from "../src/schema.js";
import type { PricedModel } from "../src/prices.js";

/** An exact non-negative USD amount as decimal text ("0.0000033123", "3e-7"), as an upstream or a
 *  catalog wrote it: never rounded on this side of the seam. */
export type UsdText = string;

/** The request as it reached the proxy, its body read (and decoded), before any hold. */
export interface IncomingCall {
  method: "GET" | "POST";
  /** The path under the integration, e.g. /v1/chat/completions (catalog-checked). */
  path: string;
  query: string;
  /** Request headers, lowercase names, as Node parsed them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
  /** The parsed body when the adapter reads JSON (`jsonBody`) and the call has one; else null. */
  fields: Record<string, unknown> | null;
}

/** What a request says about how much it can cost: the inputs of the hold's worst case (the
 *  server's ledger/pricing.ts, worstCase). */
export interface RequestBound {
  /** Bytes of prompt the upstream may read: a byte-level tokenizer never makes more tokens than
   *  bytes. Number.MAX_SAFE_INTEGER when the prompt is not all in the body (stored context): the
   *  model's context length bounds it then. */
  bodyBytes: number;
  /** The completion bound the caller set (the larger of the fields that set it); null when unset. */
  maxTokens: number | null;
  /** Choices asked for, each with its own completion. */
  n: number;
  /** Image inputs (priced per image where the model says so, and counted as IMAGE_TOKENS_BOUND
   *  prompt tokens each). */
  images: number;
  /** Bytes of the body that are inline images (base64): not text, so not text tokens. */
  imageBytes: number;
  /** Whether the request turns on a per-search price of the model. */
  webSearch: boolean;
  /** An embeddings request: no completion. */
  embedding: boolean;
}

/** What admission needs from a request (adapter.readRequest's answer). */
export interface CallRequest {
  /** The adapter's name for the kind of call (chat, responses, embedding, …), for its later steps. */
  endpoint: string;
  /** Models the call may be served by (several with fallbacks); empty for an API without models. */
  models: string[];
  /** The model the call names, for the call's record; null when none. */
  model: string | null;
  stream: boolean;
  /** Per-token calls: the inputs of the worst case. */
  bound: RequestBound;
  /** Per-call calls: the most units (catalog metering.unit) the upstream can bill for it. */
  units: number;
  /** The parsed JSON body (null without one): what rewrite and the answer filter read. */
  fields: Record<string, unknown> | null;
}

/** A refusal before anything is held or forwarded, in Vendo's error codes (rendered in the
 *  upstream's error shape by the adapter's errorBody). */
export class RequestRefused extends Error {
  override name = "RequestRefused";
  constructor(
    message: string,
    readonly code: "BAD_REQUEST" | "NOT_FOUND" = "BAD_REQUEST",
  ) {
    super(message);
  }
}

/** Usage read from an answer. Token counts follow one convention whatever the dialect:
 *  promptTokens counts every input token (cached and cache-written ones included). */
export interface MeteredUsage {
  promptTokens: number;
  completionTokens: number;
  /** Of the prompt, tokens read from cache. */
  cachedTokens: number;
  /** Of the prompt, tokens written to cache (both lifetimes). */
  cacheWriteTokens: number;
  /** Of cacheWriteTokens, those written for the longer lifetime (priced apart where the model says so). */
  cacheWriteLongTokens: number;
  /** Of the completion, reasoning tokens. */
  reasoningTokens: number;
  /** Per-call APIs: units the upstream billed (catalog metering.unit); null when the answer did not say. */
  units: number | null;
  /** The upstream's own figure for the call's cost, exactly as it wrote it; null when absent. */
  cost: UsdText | null;
  /** The upstream's id of the call. */
  generationId: string | null;
  /** No usage arrived: the counts are the proxy's own estimate. */
  estimated: boolean;
  /** The answer was only an error (a 200 that carries no output): nothing to bill. */
  refused: boolean;
  finishReason: string | null;
}

/** Reads usage off a copy of the answer's bytes while relay passes them on. */
export interface Meter {
  push(chunk: Buffer): void;
  /** The upstream's id of the call as soon as the answer showed it (null before). */
  generationId(): string | null;
  finish(): MeteredUsage;
}

/** Rewrites the answer on its way to the client (only where the request was rewritten upstream,
 *  so the client gets exactly what it asked for). */
export interface AnswerFilter {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
}

/** An error Vendo answers itself (bad input, balance, limits, upstream unavailable). */
export interface VendoError {
  status: number;
  /** Vendo's stable code (packages/server/src/proxy/errors.ts). */
  code: string;
  message: string;
  /** A 402: which limit refused it and the amounts, as exact USD decimal strings. */
  limit: { source: "balance" | "key"; requestedUsd: string; availableUsd: string } | null;
}

/** The upstream's record of one call (the reaper and a broken stream's price). */
export interface GenerationRecord {
  cost: UsdText;
  promptTokens: number;
  completionTokens: number;
  cancelled: boolean;
  streamed: boolean;
}

/** A credential's lifetime usage as the upstream keeps it: in USD, or in billing units. */
export type UsageFigure = { usd: UsdText } | { units: number };

/** A GET to the integration's upstream with one pool credential (the generic side sends it). */
export type UpstreamGet = (path: string) => Promise<{ status: number; json: unknown }>;

/** What the upstream keeps about calls and credentials, for the reaper and reconciliation. */
export interface UpstreamRecords {
  /** The upstream's record of a call by its id; null when it has none (yet). Throws when the
   *  upstream cannot be asked. Absent: the upstream keeps no such record. */
  lookupGeneration?(get: UpstreamGet, integration: Integration, generationId: string): Promise<GenerationRecord | null>;
  /** The credential's lifetime usage; throws when the upstream cannot tell. Absent: the upstream
   *  keeps no record usable with the credential (see noUsageRecord). */
  readUsage?(get: UpstreamGet, integration: Integration): Promise<UsageFigure>;
  /** Said by `vendo audit` and `vendo reconcile` when readUsage is absent: why, and what that means. */
  noUsageRecord?: string;
}

/** Where a per-token integration's prices come from. */
export type PriceSource =
  /** The catalog's table (integration.metering.prices). */
  | { from: "catalog" }
  /** The upstream's model list at `path` (under the base path), parsed by the adapter. */
  | {
      from: "upstream";
      path: string;
      /** The priced models of the document; models without a price are left out. */
      parse(doc: unknown): PricedModel[];
      /** The document's model entries, as /models relays them with Vendo's prices. */
      listing(doc: unknown): Array<Record<string, unknown>>;
    };

/** Facts of the calling key and tenant, in nano-USD, for emulated account endpoints. */
export interface KeyFacts {
  name: string;
  prefix: string;
  limit: bigint | null;
  limitReset: "daily" | "weekly" | "monthly" | "none";
  /** Spent in the limit's current period plus held: what the limit is checked against. */
  limitUsed: bigint;
  usage: bigint;
  usageDaily: bigint;
  usageWeekly: bigint;
  usageMonthly: bigint;
  rpm: number | null;
  expiresAt: number | null;
}

/** One call as Vendo recorded it (the tenant's own only). */
export interface CallFacts {
  requestId: string;
  generationId: string | null;
  model: string | null;
  path: string;
  createdAt: number;
  charge: bigint;
  upstreamCost: bigint;
  promptTokens: number;
  completionTokens: number;
  streamed: boolean;
  status: string;
  estimated: boolean;
  latencyMs: number;
}

/** What an emulated account endpoint may read; every figure is Vendo's, never the upstream's. */
export interface AccountFacts {
  key(): Promise<KeyFacts>;
  credits(): Promise<{ credited: bigint; debited: bigint }>;
  /** A call of the calling tenant by generation or request id; null when there is none. */
  call(id: string): Promise<CallFacts | null>;
  /** The upstream's model list as last fetched (PriceSource.listing). */
  models(): Promise<Array<Record<string, unknown>>>;
  /** A per-unit USD price with the integration's markup, exact, rounded up. */
  markedUp(price: string): string;
  /** nano-USD as a JSON number of USD. */
  usd(nanos: bigint): number;
  /** nano-USD as an exact USD decimal string. */
  usdText(nanos: bigint): string;
}

/** An account endpoint the proxy answers itself instead of forwarding. */
export interface AccountEndpoint {
  /** Answerable without a key (still CORS-checked). */
  public: boolean;
  answer(facts: AccountFacts, query: string): Promise<unknown>;
}

export interface Adapter {
  /** The request body is JSON: the proxy checks Content-Type, depth and syntax first. */
  jsonBody: boolean;
  /** Validates a metered request and says what admission needs; throws RequestRefused. */
  readRequest(call: IncomingCall, integration: Integration): CallRequest;
  /** The body to send upstream when it differs from the client's: a completion bound lowered by
   *  the key's fit_to_balance policy, a usage report the upstream only sends when asked. Null:
   *  the client's bytes unchanged. */
  rewrite?(request: CallRequest, fittedTokens: number | null): Buffer | null;
  /** The usage dialect of a JSON answer or of an event stream. */
  meter(request: CallRequest, stream: boolean): Meter;
  /** Undoes on the answer what rewrite added, so the client gets exactly what it asked for. */
  answerFilter?(request: CallRequest, stream: boolean): AnswerFilter | null;
  /** The answer header naming the upstream's id of the call (read before the body), if any. */
  generationHeader: string | null;
  /** Per-token integrations: where prices come from. */
  prices?: PriceSource;
  /** Other ids to price a model as when it is not in the book (e.g. a variant suffix dropped). */
  priceAs?(model: string): string[];
  records: UpstreamRecords;
  /** GET paths (under the integration) answered by the proxy itself. */
  accountEndpoint?(method: string, path: string, integration: Integration): AccountEndpoint | null;
  /** The body of an error Vendo answers itself, in the upstream's error shape. */
  errorBody(error: VendoError, requestId: string): unknown;
  /** Statuses besides 401, 402, 429 and 5xx with which this upstream refuses a credential without
   *  running the call (its credits spent, say): the proxy tries the pool's next credential. */
  credentialRefusals?: readonly number[];
}
