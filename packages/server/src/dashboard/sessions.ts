// Dashboard sessions: a browser signs in once (admin token, management key or one-time link) and
// gets a random session token in an HttpOnly, SameSite=Strict cookie (Secure behind https). The
// store keeps only the token's hash. Every change made with the cookie must also carry the
// session's CSRF token in a header, which only a page of this origin can read (GET
// /dashboard/session returns it). Sessions expire SESSION_TTL_MS after sign-in.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ServerContext } from "../context.js";
import { hashKey, randomBase62 } from "../security/apiKeys.js";

export const SESSION_COOKIE = "vendo_session";
/** The header every cookie-authenticated change carries (the session's CSRF token). */
export const CSRF_HEADER = "x-vendo-csrf";
export const SESSION_TTL_MS = 12 * 60 * 60_000;

const SESSION_TOKEN = /^vendo_ds_[0-9A-Za-z]{40}$/;

export type SessionRole = { kind: "operator" } | { kind: "tenant"; tenantId: string; managementKeyId: string | null };

export interface OpenedSession {
  token: string;
  csrf: string;
  expiresAt: number;
}

export type SessionLookup =
  | { status: "ok"; role: SessionRole; csrf: string; expiresAt: number }
  | { status: "expired" }
  | { status: "unknown" };

/** Opens a session for a signed-in role; the token goes in the cookie, never in a response body. */
export async function openSession(ctx: ServerContext, role: SessionRole, now = Date.now()): Promise<OpenedSession> {
  const token = `vendo_ds_${randomBase62(40)}`;
  const expiresAt = now + SESSION_TTL_MS;
  // Expired sessions are swept at each sign-in: the table stays as small as the live sessions.
  await ctx.store.db.deleteFrom("dashboard_sessions").where("expires_at", "<", BigInt(now)).execute();
  await ctx.store.db
    .insertInto("dashboard_sessions")
    .values({
      token_hash: hashKey(token),
      kind: role.kind,
      tenant_id: role.kind === "tenant" ? role.tenantId : null,
      management_key_id: role.kind === "tenant" ? role.managementKeyId : null,
      admin_token_hash: role.kind === "operator" && ctx.config.adminToken ? hashKey(ctx.config.adminToken) : null,
      created_at: BigInt(now),
      expires_at: BigInt(expiresAt),
    })
    .execute();
  return { token, csrf: csrfFor(ctx, token), expiresAt };
}

/**
 * The session a cookie token names: `expired` past its expiry, `unknown` when it never existed,
 * was signed out, or its credential is gone (management key revoked, admin token changed).
 */
export async function findSession(ctx: ServerContext, token: string, now = Date.now()): Promise<SessionLookup> {
  if (!SESSION_TOKEN.test(token)) return { status: "unknown" };
  const row = await ctx.store.db
    .selectFrom("dashboard_sessions as s")
    .leftJoin("management_keys as k", "k.id", "s.management_key_id")
    .select(["s.kind", "s.tenant_id", "s.management_key_id", "s.admin_token_hash", "s.expires_at", "k.revoked_at"])
    .where("s.token_hash", "=", hashKey(token))
    .executeTakeFirst();
  if (!row) return { status: "unknown" };
  if (row.expires_at <= BigInt(now)) return { status: "expired" };
  const role: SessionRole | null =
    row.kind === "operator"
      ? ctx.config.adminToken && row.admin_token_hash === hashKey(ctx.config.adminToken)
        ? { kind: "operator" }
        : null
      : row.tenant_id !== null && (row.management_key_id === null || row.revoked_at === null)
        ? { kind: "tenant", tenantId: row.tenant_id, managementKeyId: row.management_key_id }
        : null;
  if (!role) return { status: "unknown" };
  return { status: "ok", role, csrf: csrfFor(ctx, token), expiresAt: Number(row.expires_at) };
}

/** Signs a session out (deleting it); signing out twice changes nothing. */
export async function closeSession(ctx: ServerContext, token: string): Promise<void> {
  if (!SESSION_TOKEN.test(token)) return;
  await ctx.store.db.deleteFrom("dashboard_sessions").where("token_hash", "=", hashKey(token)).execute();
}

/** The session's CSRF token: an HMAC of its token under the server's secret key (nothing stored). */
export function csrfFor(ctx: ServerContext, token: string): string {
  return createHmac("sha256", ctx.config.secretKey).update(`vendo-dashboard-csrf\u0000${token}`).digest("base64url");
}

/** Whether `given` (the request's CSRF header) is the session's CSRF token, compared in constant time. */
export function csrfMatches(ctx: ServerContext, token: string, given: string | string[] | undefined): boolean {
  if (typeof given !== "string") return false;
  const expected = Buffer.from(csrfFor(ctx, token));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The session token from a Cookie header, if any. */
export function sessionToken(headers: IncomingHttpHeaders): string | undefined {
  const cookie = headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === SESSION_COOKIE) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** Whether the request came over https (directly, or through a proxy that says so, or by config). */
export function isHttps(ctx: ServerContext, headers: IncomingHttpHeaders, encrypted: boolean): boolean {
  return encrypted || headers["x-forwarded-proto"] === "https" || (ctx.config.publicUrl?.startsWith("https://") ?? false);
}

/** Set-Cookie value of a session (Max-Age until it expires). */
export function sessionCookie(token: string, expiresAt: number, secure: boolean, now = Date.now()): string {
  const maxAge = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
}

/** Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
}
