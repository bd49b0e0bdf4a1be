// Who is calling the control API: a bearer (control/auth.ts) when the request has one, else the
// dashboard session its cookie names. Every change (any method but GET/HEAD) that carries the
// cookie and no bearer must carry the session's CSRF token and, when the browser says where it
// comes from, this origin: checked first thing (`csrfGuard`, before the body is even read), so a
// forged form post is refused whatever it sends. Refusals are logged without the cookie or token.
import type { FastifyReply, FastifyRequest } from "fastify";
import { authenticate, type Caller } from "../control/auth.js";
import type { ServerContext } from "../context.js";
import { controlError, replyError } from "../control/errors.js";
import { CSRF_HEADER, csrfMatches, findSession, sessionToken } from "./sessions.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The caller of a control API request, by bearer or dashboard session (see the file's comment). */
export async function requestCaller(ctx: ServerContext, req: FastifyRequest): Promise<Caller> {
  const token = req.headers.authorization === undefined ? sessionToken(req.headers) : undefined;
  if (token === undefined) return authenticate(ctx, req.headers.authorization);
  const session = await findSession(ctx, token);
  if (session.status === "ok") return session.role.kind === "operator" ? { kind: "operator" } : { kind: "tenant", tenantId: session.role.tenantId };
  const log = ctx.logger.child({ component: "dashboard", method: req.method, path: req.url.split("?")[0] });
  if (session.status === "expired") {
    log.info({ event: "session_expired" }, "dashboard request refused: session expired");
    throw controlError("session_expired", "Your dashboard session has expired: sign in again.");
  }
  log.info({ event: "session_ended" }, "dashboard request refused: no such session");
  throw controlError("session_ended", "This dashboard session has ended (signed out, or its key was revoked): sign in again.");
}

/** onRequest hook: refuses a cookie-borne change without the session's CSRF token or from another origin. */
export function csrfGuard(ctx: ServerContext) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (SAFE_METHODS.has(req.method) || req.headers.authorization !== undefined) return;
    const token = sessionToken(req.headers);
    if (token === undefined) return;
    const path = req.url.split("?")[0];
    if (req.method === "POST" && path === "/dashboard/session") return; // signing in checks its origin itself
    if (sameOrigin(req) && csrfMatches(ctx, token, req.headers[CSRF_HEADER])) return;
    ctx.logger.warn(
      { component: "dashboard", event: "csrf_refused", method: req.method, path, origin: req.headers.origin ?? null },
      "dashboard change refused: missing or wrong CSRF token, or another origin",
    );
    replyError(reply, controlError("csrf_refused", "This change did not come from the dashboard page (missing or wrong CSRF token): reload the dashboard and try again."));
    return reply;
  };
}

/** False when the browser's Origin header names another host than the one it asked. */
export function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
