// Signing in and out of the dashboard:
// - POST /dashboard/session {token} (the admin token or a vendo_mk_ management key) or {link} (a
//   one-time link's token) → 201, the session cookie, and {kind, tenant_id, tenant_name, csrf,
//   expires_at}; 400 for a malformed body, 401 for a wrong token or a used link;
// - GET /dashboard/session → the same view for the cookie's session, 401 without one;
// - DELETE /dashboard/session (with the CSRF header, see csrfGuard) → signs out and clears the cookie.
// Secrets travel only in bodies and the cookie, never in a URL; a refusal is logged without them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TLSSocket } from "node:tls";
import { z } from "zod";
import { authenticate } from "../control/auth.js";
import { ControlError, controlError } from "../control/errors.js";
import { parsePart } from "../control/validateRequest.js";
import type { ServerContext } from "../context.js";
import { hashKey } from "../security/apiKeys.js";
import { sameOrigin } from "./sessionCaller.js";
import { clearedSessionCookie, closeSession, findSession, isHttps, openSession, sessionCookie, sessionToken, type SessionRole } from "./sessions.js";
import { consumeSignInLink } from "./signInLinks.js";

const secret = (what: string) =>
  z
    .string({ error: `must be the ${what} (a string)` })
    .trim()
    .min(1, { error: "must not be empty" })
    .max(512, { error: "is too long (at most 512 characters)" });

const signInBody = z
  .object({ token: secret("admin token or a vendo_mk_ management key").optional(), link: secret("sign-in link's token").optional() })
  .strict()
  .refine((b) => (b.token === undefined) !== (b.link === undefined), { error: "give either token or link" });

export interface SessionView {
  kind: "operator" | "tenant";
  tenant_id: string | null;
  tenant_name: string | null;
  csrf: string;
  expires_at: string;
}

export function registerSessionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const log = ctx.logger.child({ component: "dashboard" });
  const secure = (req: FastifyRequest) => isHttps(ctx, req.headers, (req.raw.socket as Partial<TLSSocket>).encrypted === true);

  app.post("/dashboard/session", async (req, reply) => {
    try {
      if (!sameOrigin(req)) throw controlError("csrf_refused", "Sign in from the dashboard page itself.");
      const body = parsePart("body", signInBody, req.body);
      const role = body.token !== undefined ? await roleOfToken(ctx, body.token) : await roleOfLink(ctx, body.link ?? "");
      const session = await openSession(ctx, role);
      log.info({ event: "signed_in", kind: role.kind, tenant_id: role.kind === "tenant" ? role.tenantId : null, via: body.link ? "link" : "token" }, "dashboard sign-in");
      reply.header("set-cookie", sessionCookie(session.token, session.expiresAt, secure(req)));
      return reply.code(201).send(await sessionView(ctx, role, session.csrf, session.expiresAt));
    } catch (error) {
      // Said once, without the token: which kind of refusal, from where.
      if (error instanceof ControlError) log.warn({ event: "sign_in_refused", reason: error.kind, ip: req.ip }, "dashboard sign-in refused");
      throw error;
    }
  });

  app.get("/dashboard/session", async (req, reply) => {
    reply.header("cache-control", "no-store");
    const token = sessionToken(req.headers);
    if (token === undefined) throw controlError("missing_credentials", "Not signed in.");
    const found = await findSession(ctx, token);
    if (found.status !== "ok") {
      reply.header("set-cookie", clearedSessionCookie(secure(req)));
      throw found.status === "expired"
        ? controlError("session_expired", "Your dashboard session has expired: sign in again.")
        : controlError("session_ended", "This dashboard session has ended: sign in again.");
    }
    return sessionView(ctx, found.role, found.csrf, found.expiresAt);
  });

  app.delete("/dashboard/session", async (req: FastifyRequest, reply: FastifyReply) => {
    // csrfGuard (sessionCaller.ts) has checked the CSRF token of a request with a cookie.
    const token = sessionToken(req.headers);
    if (token !== undefined) {
      await closeSession(ctx, token);
      log.info({ event: "signed_out" }, "dashboard sign-out");
    }
    reply.header("set-cookie", clearedSessionCookie(secure(req)));
    return { signed_out: true };
  });
}

/** The admin token → operator; a live management key → its tenant; anything else refused. */
async function roleOfToken(ctx: ServerContext, token: string): Promise<SessionRole> {
  const caller = await authenticate(ctx, `Bearer ${token}`);
  if (caller.kind === "operator") return { kind: "operator" };
  if (caller.kind === "deployment") {
    throw controlError("unknown_credentials", "A deployment token only reads its deployment's env; sign in with the admin token or a vendo_mk_ management key.");
  }
  const key = await ctx.store.db.selectFrom("management_keys").select("id").where("key_hash", "=", hashKey(token)).executeTakeFirstOrThrow();
  return { kind: "tenant", tenantId: caller.tenantId, managementKeyId: key.id };
}

async function roleOfLink(ctx: ServerContext, link: string): Promise<SessionRole> {
  const tenantId = await consumeSignInLink(ctx, link.replace(/^.*#link=/, ""));
  if (tenantId === null) throw controlError("unknown_credentials", "This sign-in link has already been used or has expired: ask for a new one (vendo dev prints one at each start).");
  return { kind: "tenant", tenantId, managementKeyId: null };
}

async function sessionView(ctx: ServerContext, role: SessionRole, csrf: string, expiresAt: number): Promise<SessionView> {
  const tenant =
    role.kind === "tenant" ? await ctx.store.db.selectFrom("tenants").select("name").where("id", "=", role.tenantId).executeTakeFirst() : undefined;
  return {
    kind: role.kind,
    tenant_id: role.kind === "tenant" ? role.tenantId : null,
    tenant_name: tenant?.name ?? null,
    csrf,
    expires_at: new Date(expiresAt).toISOString(),
  };
}
