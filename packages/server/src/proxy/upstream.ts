// forward: one undici Pool per upstream origin, keep-alive, no global fetch on the hot path.
// Tries the pool's credentials in turn while the upstream answers 401/402/429/5xx or cannot be
// reached, before any byte has gone to the client.
import { Pool, type Dispatcher } from "undici";
import type { Integration } from "@vendo/integrations";
import type { CredentialPool, UpstreamCredential } from "./credentialPool.js";
import { ProxyError } from "./errors.js";

const RETRYABLE = new Set([401, 402, 408, 429, 500, 502, 503, 504]);

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
  body: Buffer | null;
  /** The tenant's own key (BYO profile): used alone, no pool, no rotation. */
  ownCredential: string | null;
  requestId: string;
  signal?: AbortSignal;
}

export function createUpstream(pool: CredentialPool, options: { connectionsPerOrigin: number }) {
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
    async forward(req: ForwardRequest): Promise<UpstreamResponse> {
      const now = Date.now();
      const credentials: UpstreamCredential[] = req.ownCredential
        ? [{ id: "byok", secret: req.ownCredential }]
        : pool.candidates(req.integration.slug, now);
      if (credentials.length === 0) throw new ProxyError("NO_UPSTREAM_CREDENTIAL");
      const { dispatcher, basePath } = dispatcherFor(req.baseUrl);
      const authHeader = req.integration.upstream.auth.header;
      let lastStatus = 0;
      for (const credential of credentials) {
        let response: Dispatcher.ResponseData;
        try {
          response = await dispatcher.request({
            method: req.method,
            path: basePath + req.path,
            headers: { ...req.headers, [authHeader]: authValue(req.integration, credential.secret), "x-request-id": req.requestId },
            body: req.body,
            signal: req.signal ?? null,
            headersTimeout: 300_000,
            bodyTimeout: 300_000,
          });
        } catch {
          lastStatus = 502;
          pool.coolDown(credential.id, 5_000, Date.now());
          continue;
        }
        // A tenant's own key answers for itself; a pool failure is ours to hide and retry.
        if (!RETRYABLE.has(response.statusCode) || credential.id === "byok") {
          return { statusCode: response.statusCode, headers: response.headers, body: response.body, credential };
        }
        lastStatus = response.statusCode;
        pool.coolDown(credential.id, cooldownMs(response), Date.now());
        await response.body.dump().catch(() => undefined);
      }
      throw new ProxyError(
        lastStatus === 503 || lastStatus === 429 ? "NO_UPSTREAM_CREDENTIAL" : "UPSTREAM_UNAVAILABLE",
        "The upstream provider could not serve this request; nothing was charged.",
      );
    },
    /** A GET with one given credential (the reconciler asks the upstream about a generation). */
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

function cooldownMs(response: Dispatcher.ResponseData): number {
  const retryAfter = Number(response.headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter, 300) * 1000;
  if (response.statusCode === 401 || response.statusCode === 402) return 60_000;
  return 10_000;
}

export type Upstream = ReturnType<typeof createUpstream>;
