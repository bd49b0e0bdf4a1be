// forward: one undici Pool per upstream origin, keep-alive, no global fetch on the hot path.
// Tries the pool's credentials in turn only while the upstream provably did not run the request
// (docs/money.md, invariant 4): the connection failed before the request went out, or the upstream
// refused it explicitly (401, 402, 429, or a 5xx error answer, all before any output). A request
// that went out and got no answer (reset, timeout) is never sent again: its outcome is unknown.
import { Pool, type Dispatcher } from "undici";
import type { Integration } from "@vendo/integrations";
import { adapterFor } from "@vendo/integrations/adapters";
import type { CredentialPool, UpstreamCredential } from "./credentialPool.js";
import { ProxyError } from "./errors.js";

/** Answers that say the upstream did not run the request: another credential may. Any 5xx before
 *  output counts (an upstream's own "overloaded", such as 529, included). */
const REFUSALS = new Set([401, 402, 429]);
const refused = (status: number, integration: Integration) => REFUSALS.has(status) || status >= 500 || (adapterFor(integration).credentialRefusals?.includes(status) ?? false);

/** Errors raised before the request reached the upstream: nothing ran, another credential may. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

export interface UpstreamResponse {
  statusCode: number;
  headers: Dispatcher.ResponseData["headers"];
  body: Dispatcher.ResponseData["body"];
  credential: UpstreamCredential;
}

export interface ForwardRequest {
  integration: Integration;
  baseUrl: string;
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body: Buffer | string | null;
  /** The tenant's own key (BYO profile): used alone, no pool, no rotation. */
  ownCredential: string | null;
  requestId: string;
  /** How long the upstream may take to start its answer (ms). */
  headersTimeoutMs?: number;
  /** How long the upstream may go quiet in the middle of its answer (ms). */
  bodyTimeoutMs?: number;
  /** True once the client has gone: no further credential is tried. */
  clientGone?: () => boolean;
}

/**
 * The request went out and no answer came (the connection reset, or the upstream said nothing in
 * time): the upstream may have run it and may bill it. Not retried; the hold stays for the reaper
 * and the credential's reconciliation (invariant 4).
 */
export class UpstreamOutcomeUnknown extends Error {
  constructor(
    readonly credential: UpstreamCredential,
    readonly reason: "reset" | "timeout",
    options?: ErrorOptions,
  ) {
    super(reason === "timeout" ? "the upstream did not answer in time" : "the upstream connection broke before its answer", options);
  }
}

export function createUpstream(pool: CredentialPool, options: { connectionsPerOrigin: number; headersTimeoutMs: number; bodyTimeoutMs: number }) {
  const dispatchers = new Map<string, Pool>();
  // Base URL → its origin's Pool and its path prefix, worked out once per base URL, not per call.
  const targets = new Map<string, { dispatcher: Pool; basePath: string }>();

  function dispatcherFor(baseUrl: string): { dispatcher: Pool; basePath: string } {
    let target = targets.get(baseUrl);
    if (target) return target;
    const url = new URL(baseUrl);
    let dispatcher = dispatchers.get(url.origin);
    if (!dispatcher) {
      // An LLM stream holds its HTTP/1.1 connection for its whole length: the cap is the number of
      // calls in flight upstream at once; calls past it wait in undici's queue with their hold open.
      dispatcher = new Pool(url.origin, { connections: options.connectionsPerOrigin, pipelining: 1, keepAliveTimeout: 30_000, connectTimeout: 10_000 });
      dispatchers.set(url.origin, dispatcher);
    }
    target = { dispatcher, basePath: url.pathname.replace(/\/+$/, "") };
    targets.set(baseUrl, target);
    return target;
  }

  function authValue(integration: Integration, secret: string): string {
    const { scheme } = integration.upstream.auth;
    return scheme ? `${scheme} ${secret}` : secret;
  }

  return {
    /**
     * Sends the request with the pool's credentials in turn (see the file's comment). Throws
     * UpstreamOutcomeUnknown when it went out unanswered, ProxyError when every credential refused
     * (429 with the upstream's Retry-After when they all said "too many requests") or none was left.
     */
    async forward(req: ForwardRequest): Promise<UpstreamResponse> {
      const now = Date.now();
      const credentials: UpstreamCredential[] = req.ownCredential
        ? [{ id: "byok", secret: req.ownCredential }]
        : pool.candidates(req.integration.slug, now);
      if (credentials.length === 0) throw new ProxyError("NO_UPSTREAM_CREDENTIAL");
      const { dispatcher, basePath } = dispatcherFor(req.baseUrl);
      const authHeader = req.integration.upstream.auth.header;
      const refusals: Array<{ status: number; retryAfterS: number | null }> = [];
      for (const credential of credentials) {
        if (refusals.length > 0 && req.clientGone?.()) throw new ProxyError("CLIENT_GONE");
        let response: Dispatcher.ResponseData;
        try {
          response = await dispatcher.request({
            method: req.method,
            path: basePath + req.path,
            headers: { ...req.headers, [authHeader]: authValue(req.integration, credential.secret), "x-request-id": req.requestId },
            body: req.body,
            headersTimeout: req.headersTimeoutMs ?? options.headersTimeoutMs,
            bodyTimeout: req.bodyTimeoutMs ?? options.bodyTimeoutMs,
          });
        } catch (error) {
          const code = (error as { code?: string }).code ?? "";
          if (!NOT_SENT.has(code)) throw new UpstreamOutcomeUnknown(credential, code === "UND_ERR_HEADERS_TIMEOUT" ? "timeout" : "reset", { cause: error });
          refusals.push({ status: 502, retryAfterS: null });
          pool.coolDown(credential.id, 5_000, Date.now());
          continue;
        }
        // A tenant's own key answers for itself; a pool refusal is ours to hide and retry.
        if (!refused(response.statusCode, req.integration) || credential.id === "byok") {
          return { statusCode: response.statusCode, headers: response.headers, body: response.body, credential };
        }
        const retryAfterS = retryAfterSeconds(response.headers["retry-after"]);
        refusals.push({ status: response.statusCode, retryAfterS });
        pool.coolDown(credential.id, cooldownMs(response.statusCode, retryAfterS), Date.now());
        await response.body.dump().catch(() => undefined);
      }
      throw refusedEverywhere(refusals);
    },
    /** A GET with one given credential (the reaper and reconciliation ask the upstream). */
    async getJson(integration: Integration, baseUrl: string, path: string, credential: UpstreamCredential): Promise<{ status: number; json: unknown }> {
      const { dispatcher, basePath } = dispatcherFor(baseUrl);
      const response = await dispatcher.request({
        method: "GET",
        path: basePath + path,
        headers: { accept: "application/json", [integration.upstream.auth.header]: authValue(integration, credential.secret) },
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const json: unknown = await response.body.json().catch(() => null);
      return { status: response.statusCode, json };
    },
    /** Ends every upstream connection now, requests still running included. */
    async destroy(): Promise<void> {
      await Promise.all([...dispatchers.values()].map((d) => d.destroy()));
    },
  };
}

/**
 * Every credential refused: 429 (with the soonest Retry-After) when they were all rate limited,
 * 503 when they all said the upstream has no capacity, 502 otherwise — the same answer whichever
 * credential happened to be tried last.
 */
function refusedEverywhere(refusals: Array<{ status: number; retryAfterS: number | null }>): ProxyError {
  const all = (status: number) => refusals.length > 0 && refusals.every((r) => r.status === status);
  if (all(429)) {
    const waits = refusals.map((r) => r.retryAfterS).filter((s): s is number => s !== null);
    if (waits.length === 0) return new ProxyError("UPSTREAM_RATE_LIMITED", "The upstream provider is rate limiting; retry shortly. Nothing was charged.");
    return new ProxyError("UPSTREAM_RATE_LIMITED", undefined, { "retry-after": String(Math.min(...waits)) });
  }
  return new ProxyError(all(503) ? "NO_UPSTREAM_CREDENTIAL" : "UPSTREAM_UNAVAILABLE", "The upstream provider could not serve this request; nothing was charged.");
}

function retryAfterSeconds(value: string | string[] | undefined): number | null {
  const seconds = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null;
}

function cooldownMs(status: number, retryAfterS: number | null): number {
  if (retryAfterS !== null && retryAfterS > 0) return Math.min(retryAfterS, 300) * 1000;
  if (status === 401 || status === 402) return 60_000;
  return 10_000;
}

export type Upstream = ReturnType<typeof createUpstream>;
