// The sandbox's HTTP server: plain node:http, keep-alive, no per-request logging.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AuditLog, type CallFilter, type SandboxCall, type SandboxTotalsReport } from "./audit.ts";
import { GenerationIds } from "./call.ts";
import type { SandboxFault } from "./faults.ts";
import { handleGeneration, type Endpoint, type SandboxContext } from "./generate.ts";
import { DEFAULT_SANDBOX_KEY, KeyRegistry, type SandboxKeyConfig } from "./keys.ts";
import { modelsResponseBody } from "./models.ts";
import { sendError, sendJson } from "./respond.ts";
import { handleAccount } from "./routes/account.ts";
import { handleAdmin } from "./routes/admin.ts";
import { chatEndpoint } from "./routes/chat.ts";
import { completionsEndpoint } from "./routes/completions.ts";
import { embeddingsEndpoint } from "./routes/embeddings.ts";
import { ANTHROPIC_PREFIX, anthropicRoutes } from "./upstreams/anthropic/routes.ts";
import { OPENAI_PREFIX, openaiRoutes } from "./upstreams/openai/routes.ts";
import { TAVILY_PREFIX, tavilyRoutes } from "./upstreams/tavily/search.ts";
import { openrouterDialect } from "./upstreams/openrouter.ts";

export interface SandboxOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Upstream keys accepted; default [DEFAULT_SANDBOX_KEY]. */
  keys?: ReadonlyArray<string | SandboxKeyConfig>;
  /** Audit entries kept in memory (totals stay exact beyond it); default 1,000,000. */
  maxCalls?: number;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** url + "/api/v1": what OpenRouter clients take as their base URL. */
  readonly baseUrl: string;
  /** Each imitated upstream's base URL as its catalog entry names it (OpenRouter's <url>/api,
   *  OpenAI's <url>/openai, …): what a Vendo server's `upstreams` option takes. */
  readonly upstreamUrls: Readonly<{ openrouter: string; openai: string; anthropic: string; tavily: string }>;
  readonly port: number;
  /** Every call the generation routes received, oldest first (a copy). */
  calls(filter?: CallFilter): SandboxCall[];
  /** Totals over the log, overall and per upstream key; costs in nano-USD. */
  totals(): SandboxTotalsReport;
  /** A served call by generation id. */
  generation(id: string): SandboxCall | undefined;
  /** Calls under way: begun and not yet recorded (tests wait for 0 after cutting a client off). */
  inFlight(): number;
  /** Clears the log, every key's usage and rate-limit window. Key configs and faults stay. */
  reset(): void;
  /** Sets (or with null clears) the fault applied to every request of `key`. */
  setKeyFault(key: string, fault: SandboxFault | string | null): void;
  /** Adds or replaces an upstream key. */
  addKey(key: string | SandboxKeyConfig): void;
  /** Stops listening and destroys every open connection (hanging streams included). */
  close(): Promise<void>;
}

const endpoints: Readonly<Record<string, Endpoint>> = {
  [chatEndpoint.path]: chatEndpoint,
  [completionsEndpoint.path]: completionsEndpoint,
  [embeddingsEndpoint.path]: embeddingsEndpoint,
};

type UpstreamRoutes = (path: string, req: IncomingMessage, res: ServerResponse) => Promise<void> | void | null;

function route(ctx: SandboxContext, upstreams: readonly UpstreamRoutes[], reset: () => void, req: IncomingMessage, res: ServerResponse): Promise<void> | void {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q + 1);
  for (const upstream of upstreams) {
    const handled = upstream(path, req, res);
    if (handled !== null) return handled;
  }
  const endpoint = endpoints[path];
  if (endpoint) {
    if (req.method === "POST") return handleGeneration(ctx, openrouterDialect, endpoint, req, res);
    return sendError(res, 405, "Method Not Allowed", { allow: "POST" });
  }
  if (path === "/api/v1/models" && req.method === "GET") return sendJson(res, 200, modelsResponseBody);
  if (handleAccount(ctx, path, query, req, res)) return;
  if (path.startsWith("/__sandbox/")) return handleAdmin(ctx, { reset }, path, query, req, res);
  sendError(res, 404);
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const keys = new KeyRegistry(opts.keys ?? [DEFAULT_SANDBOX_KEY]);
  const audit = new AuditLog(opts.maxCalls);
  const ctx: SandboxContext = { keys, audit, ids: new GenerationIds() };
  const reset = () => {
    audit.reset();
    keys.resetUsage();
  };

  const upstreams: UpstreamRoutes[] = [openaiRoutes(ctx), anthropicRoutes(ctx), tavilyRoutes(ctx)];
  const server = createServer({ keepAlive: true, noDelay: true, keepAliveTimeout: 60_000, headersTimeout: 61_000 }, (req, res) => {
    const pending = route(ctx, upstreams, reset, req, res);
    if (pending) {
      pending.catch((err: unknown) => {
        console.error("vendo sandbox: internal error", err);
        if (!res.headersSent) sendError(res, 500, "Sandbox internal error");
        else res.destroy();
      });
    }
  });
  server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  // A wildcard bind is still reached through loopback.
  const ip = address.address === "0.0.0.0" || address.address === "::" ? "127.0.0.1" : address.address;
  const host = ip.includes(":") ? `[${ip}]` : ip;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    baseUrl: `${url}/api/v1`,
    upstreamUrls: { openrouter: `${url}/api`, openai: `${url}${OPENAI_PREFIX}`, anthropic: `${url}${ANTHROPIC_PREFIX}`, tavily: `${url}${TAVILY_PREFIX}` },
    port: address.port,
    calls: (filter) => audit.calls(filter),
    totals: () => audit.totals(),
    generation: (id) => audit.generation(id),
    inFlight: () => audit.inFlight(),
    reset,
    setKeyFault: (key, fault) => keys.setFault(key, fault),
    addKey: (key) => void keys.add(key),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
