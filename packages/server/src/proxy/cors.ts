// CORS for browser apps. A key names the web origins it may be used from (`allowed_origins`,
// default none; ["*"] for any); the proxy answers with the caller's own origin, never a wildcard,
// and never with `Access-Control-Allow-Credentials` (keys travel in a header, not in cookies).
//
// A preflight (OPTIONS) carries no Authorization header, so it cannot name its key. It is answered
// for an origin that some live key of the integration allows, and refused otherwise. That grants
// nothing by itself: the real request then carries its key, and the origin must be one that key
// allows, or it is refused (403, no CORS headers) before it is rate-limited, held or forwarded.
// Knowing that some key allows an origin reveals nothing secret: a browser app's origin is public.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Integration } from "@vendo/integrations";
import type { Store } from "../store/db.js";
import { ProxyError } from "./errors.js";
import type { KeyRecord } from "./keyCache.js";

/** Any origin (stored as ["*"]); on the wire the caller's own origin is echoed instead. */
export const ANY_ORIGIN = "*";

const REFRESH_MS = 1_000;
const MAX_AGE_SECONDS = "600";
const DEFAULT_ALLOWED_HEADERS = "authorization, content-type";
/** A request-headers list as browsers send it: header names separated by commas. */
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;
/** What a browser app may read from an answer besides the CORS-safelisted headers. */
const EXPOSED = "x-request-id, x-generation-id, retry-after";

export interface Cors {
  /**
   * Answers an OPTIONS request: 204 with the CORS headers when some live key of the integration
   * allows the origin and `routeExists(requested method)` is true; 403 ORIGIN_NOT_ALLOWED (no CORS
   * headers) for another origin; 404 for an unknown route; 204 with `Allow` for a non-CORS OPTIONS.
   */
  preflight(req: IncomingMessage, res: ServerResponse, integration: Integration, routeExists: (method: string) => boolean, requestId: string): Promise<void>;
  /**
   * A request with a key: without an Origin header (a server) nothing happens; with one the key
   * allows, the CORS headers are set on `res`; otherwise throws ORIGIN_NOT_ALLOWED.
   */
  allowKey(req: IncomingMessage, res: ServerResponse, key: KeyRecord): void;
  /** A request without a key (the public /models): the CORS headers when some key allows the origin. */
  allowPublic(req: IncomingMessage, res: ServerResponse, integration: Integration): Promise<void>;
}

export function createCors(store: Store): Cors {
  // Origins any live key allows, by integration; reloaded at most once a second, only on demand.
  let byIntegration = new Map<string, Set<string>>();
  let loadedAt = -Infinity;
  let loading: Promise<void> | null = null;

  async function load(): Promise<void> {
    const rows = await store.db
      .selectFrom("api_keys")
      .select(["integration", "allowed_origins"])
      .where("allowed_origins", "is not", null)
      .where("disabled_at", "is", null)
      .where("deleted_at", "is", null)
      .execute();
    const next = new Map<string, Set<string>>();
    for (const row of rows) {
      let set = next.get(row.integration);
      if (!set) next.set(row.integration, (set = new Set()));
      for (const origin of JSON.parse(row.allowed_origins as string) as string[]) set.add(origin);
    }
    byIntegration = next;
    loadedAt = Date.now();
  }

  async function someKeyAllows(slug: string, origin: string): Promise<boolean> {
    if (Date.now() - loadedAt > REFRESH_MS) {
      loading ??= load().finally(() => (loading = null));
      await loading;
    }
    const set = byIntegration.get(slug);
    return set !== undefined && (set.has(ANY_ORIGIN) || set.has(origin));
  }

  return {
    async preflight(req, res, integration, routeExists, requestId) {
      const origin = req.headers.origin;
      const method = req.headers["access-control-request-method"];
      if (typeof origin !== "string" || typeof method !== "string") {
        res.writeHead(204, { allow: "GET, POST, OPTIONS", "x-request-id": requestId });
        res.end();
        return;
      }
      if (!routeExists(method)) throw new ProxyError("NOT_FOUND", `No route ${method} for a preflight.`);
      if (!(await someKeyAllows(integration.slug, origin))) throw new ProxyError("ORIGIN_NOT_ALLOWED");
      const requested = req.headers["access-control-request-headers"];
      res.writeHead(204, {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": "GET, POST",
        // The proxy forwards only the integration's own headers whatever a browser sends, so the
        // headers a client asks for (validated as header names) may all be allowed.
        "access-control-allow-headers": typeof requested === "string" && HEADER_LIST.test(requested) ? requested : DEFAULT_ALLOWED_HEADERS,
        "access-control-max-age": MAX_AGE_SECONDS,
        vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        "x-request-id": requestId,
      });
      res.end();
    },

    allowKey(req, res, key) {
      const origin = req.headers.origin;
      if (origin === undefined) return;
      const allowed = key.allowedOrigins;
      if (!allowed || !(allowed.has(ANY_ORIGIN) || allowed.has(origin))) {
        throw new ProxyError("ORIGIN_NOT_ALLOWED", `This key may not be used from the origin '${origin}'; add it to the key's allowed origins.`);
      }
      setCorsHeaders(res, origin);
    },

    async allowPublic(req, res, integration) {
      const origin = req.headers.origin;
      if (origin !== undefined && (await someKeyAllows(integration.slug, origin))) setCorsHeaders(res, origin);
    },
  };
}

function setCorsHeaders(res: ServerResponse, origin: string): void {
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("access-control-expose-headers", EXPOSED);
  res.setHeader("vary", "Origin");
}
