// Control API: tenants, credits, keys, deployments, connections, pools, usage (JSON over HTTP),
// plus health, readiness, metrics and the OpenAPI document. app.ts hands it every request that is
// not the proxy's; fastify routes it (serverFactory gives us its node:http handler).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { ServerContext } from "../context.js";
import { dashboardRoutes, registerDashboard, requestCaller, type DashboardDeps } from "../dashboard/index.js";
import { collectProcessMetrics } from "../metrics.js";
import { authorize } from "./authorize.js";
import { controlMetrics } from "./controlMetrics.js";
import type { Route } from "./defineRoute.js";
import { ControlError, controlError, errorBody, replyError } from "./errors.js";
import { buildOpenApiDocument } from "./openapi.js";
import { routes } from "./routes/index.js";
import { registerSystemRoutes } from "./systemRoutes.js";
import { validateRequest } from "./validateRequest.js";

export interface ControlApi {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The OpenAPI document (also served by the admin listener). */
  openapi: unknown;
  close(): Promise<void>;
}

const API_VERSION = "1";

export interface ControlApiOptions extends Partial<DashboardDeps> {
  /** Runs after every successful write (POST, PATCH, PUT, DELETE), before the answer is sent. */
  afterWrite?: () => Promise<void>;
}

const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

export async function createControlApi(ctx: ServerContext, options: ControlApiOptions = {}): Promise<ControlApi> {
  collectProcessMetrics();
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const app = Fastify({
    // The HTTP server is app.ts's; fastify only routes. This server is created and never listens.
    serverFactory: (fastifyHandler) => {
      handler = fastifyHandler;
      return createServer();
    },
    loggerInstance: ctx.logger.child({ component: "control" }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });
  acceptEmptyJson(app);
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((req, reply) => {
    replyError(reply, controlError("route_not_found", `No route ${req.method} ${req.url.split("?")[0]}.`));
  });
  const { afterWrite } = options;
  if (afterWrite) {
    app.addHook("onSend", async (req, reply, payload) => {
      if (WRITES.has(req.method) && reply.statusCode < 400) {
        await afterWrite().catch((err: Error) => req.log.warn({ err: err.message }, "change feed catch-up after a write failed"));
      }
      return payload;
    });
  }
  app.addHook("onResponse", async (req, reply) => {
    controlMetrics.inc({ operation: req.routeOptions.config.operationId ?? "other", status: String(reply.statusCode) });
  });

  registerDashboard(app, ctx);
  const allRoutes = [...routes, ...dashboardRoutes({ poolHealth: options.poolHealth ?? (() => []) })];
  const openapi = buildOpenApiDocument(allRoutes.map((r) => r.endpoint), API_VERSION);
  registerSystemRoutes(app, ctx, openapi);
  for (const route of allRoutes) registerRoute(app, ctx, route);

  await app.ready();
  if (!handler) throw new Error("fastify did not hand over its request handler");
  const handle = handler;
  return { handle: (req, res) => handle(req, res), openapi, close: () => app.close() };
}

declare module "fastify" {
  interface FastifyContextConfig {
    operationId?: string;
  }
}

function registerRoute(app: FastifyInstance, ctx: ServerContext, route: Route): void {
  const { endpoint } = route;
  app.route({
    method: endpoint.method,
    url: endpoint.path,
    config: { operationId: endpoint.operationId },
    handler: async (req, reply) => {
      // A bearer, or the dashboard's session cookie (with its CSRF token on changes).
      const caller = await requestCaller(ctx, req);
      authorize(endpoint, caller, req.params);
      const input = validateRequest(endpoint, { params: req.params, headers: req.headers, query: req.query, body: req.body });
      let status: number = endpoint.status ?? 200;
      const body = await route.handle({ ...input, caller, setStatus: (s: number) => (status = s) } as never, ctx);
      return reply.code(status).send(body);
    },
  });
}

/** JSON bodies, where an empty body means "no body" (POST /keys/:id/disable sent with a JSON content type). */
function acceptEmptyJson(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, text, done) => {
    if (typeof text !== "string" || text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(controlError("invalid_body", "The body is not valid JSON."), undefined);
    }
  });
}

function sendError(err: Error & { statusCode?: number }, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof ControlError) {
    // Refused input is logged by kind and route; the message, which may quote what was sent, is not.
    req.log.info({ kind: err.kind, status: err.status, operation: req.routeOptions.config.operationId ?? null }, "control API request refused");
    return replyError(reply, err);
  }
  const status = err.statusCode ?? 500;
  if (status === 413) replyError(reply, controlError("body_too_large", "The body is too large."));
  else if (status === 415) replyError(reply, controlError("unsupported_media_type", "Send JSON (content-type: application/json)."));
  else if (status >= 400 && status < 500) void reply.code(status).send(errorBody(status, err.message));
  else {
    req.log.error({ err, operation: req.routeOptions.config.operationId }, "control API request failed");
    void reply.code(500).send(errorBody(500, "Internal error; see the server log."));
  }
}
