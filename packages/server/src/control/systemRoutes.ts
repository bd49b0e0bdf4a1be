// Operational routes of the public port: liveness and readiness without credentials (readiness is
// 503 once shutdown begins, or while the store does not answer); Prometheus metrics and the OpenAPI
// document only with the admin token (the metrics carry revenue). The admin listener
// (adminListener.ts) serves the same without a token on its own port, for operators' networks.
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.js";
import { metricsRegistry } from "../metrics.js";
import { authenticate } from "./auth.js";
import { controlError, replyError } from "./errors.js";
import { readiness } from "./readiness.js";

export function registerSystemRoutes(app: FastifyInstance, ctx: ServerContext, openapi: unknown): void {
  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_req, reply) => {
    const state = await readiness(ctx);
    if (state.ready) return { status: "ready", store: ctx.store.dialect };
    return replyError(reply, controlError("not_ready", state.reason));
  });

  const operatorOnly = async (authorization: string | undefined) => {
    const caller = await authenticate(ctx, authorization);
    if (caller.kind !== "operator") throw controlError("operator_only", "This route needs the admin token (or the admin listener, VENDO_ADMIN_PORT).");
  };

  app.get("/metrics", async (req, reply) => {
    await operatorOnly(req.headers.authorization);
    reply.header("content-type", metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });

  app.get("/api/v1/openapi.json", async (req) => {
    await operatorOnly(req.headers.authorization);
    return openapi;
  });
}
