// Unauthenticated operational routes: liveness, readiness (the store answers), Prometheus metrics,
// and the OpenAPI document.
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { ServerContext } from "../context.js";
import { metricsRegistry } from "../metrics.js";
import { controlError, replyError } from "./errors.js";

export function registerSystemRoutes(app: FastifyInstance, ctx: ServerContext, openapi: unknown): void {
  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_req, reply) => {
    try {
      await sql`select 1`.execute(ctx.store.db);
      return { status: "ready", store: ctx.store.dialect };
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message }, "readiness: store unavailable");
      return replyError(reply, controlError("not_ready", "The store is unavailable."));
    }
  });

  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });

  app.get("/api/v1/openapi.json", async () => openapi);
}
