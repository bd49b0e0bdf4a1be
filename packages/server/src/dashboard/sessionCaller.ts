// Who is calling the control API: a bearer (control/auth.ts) when the request has one, else the
// dashboard session its cookie names. A change (any method but GET/HEAD) made with the cookie must
// carry the session's CSRF token and, when the browser says where it comes from, this origin.
// Refusals are logged without the cookie or the token.
import type { FastifyRequest } from "fastify";
import { authenticate, type Caller } from "../control/auth.js";
import type { ServerContext } from "../context.js";
import { controlError } from "../control/errors.js";
import { CSRF_HEADER, csrfMatches, findSession, sessionToken } from "./sessions.js";

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/** The caller of a control API request, by bearer or dashboard session (see the file's comment). */
export async function requestCaller(ctx: ServerContext, req: FastifyRequest): Promise<Caller> {
  const token = req.headers.authorization === undefined ? sessionToken(req.headers) : undefined;
  if (token === undefined) return authenticate(ctx, req.headers.authorization);
  const log = ctx.logger.child({ component: "dashboard", method: req.method, path: req.url.split("?")[0] });
  const session = await findSession(ctx, token);
  if (session.status === "expired") {
    log.info({ event: "session_expired" }, "dashboard request refused: session expired");
    throw controlError("session_expired", "Your dashboard session has expired: sign in again.");
  }
  if (session.status === "unknown") {
    log.info({ event: "session_ended" }, "dashboard request refused: no such session");
    throw controlError("session_ended", "This dashboard session has ended (signed out, or its key was revoked): sign in again.");
  }
  if (!SAFE_METHODS.has(req.method) && (!sameOrigin(req) || !csrfMatches(ctx, token, req.headers[CSRF_HEADER]))) {
    log.warn({ event: "csrf_refused", origin: req.headers.origin ?? null }, "dashboard change refused: missing or wrong CSRF token, or another origin");
    throw controlError("csrf_refused", "This change did not come from the dashboard page (missing or wrong CSRF token): reload the dashboard and try again.");
  }
  return session.role.kind === "operator" ? { kind: "operator" } : { kind: "tenant", tenantId: session.role.tenantId };
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
