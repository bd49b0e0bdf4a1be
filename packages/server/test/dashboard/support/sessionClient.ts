// A client that talks to the server as the dashboard page does: signs in for a session cookie,
// then calls with that cookie (and the session's CSRF token on changes), never a bearer.
import type { Harness, Json, Res } from "../../control/support/controlHarness.js";

export interface Session {
  /** The Cookie header value (vendo_session=…). */
  cookie: string;
  csrf: string;
  /** The Set-Cookie header the sign-in answered with. */
  setCookie: string;
  body: Json;
}

export interface CookieCall {
  session: Pick<Session, "cookie"> & Partial<Pick<Session, "csrf">>;
  body?: unknown;
  /** Send no CSRF header even if the session has one. */
  noCsrf?: boolean;
  headers?: Record<string, string>;
}

async function asRes(response: Response): Promise<Res> {
  const text = await response.text();
  let body: Json = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

/** POST /dashboard/session with a body; the raw answer. */
export async function signInRaw(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Res> {
  return asRes(await fetch(`${url}/dashboard/session`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
}

/** Signs in (token or link) and returns the session; throws unless it succeeded. */
export async function signIn(h: Harness, credential: { token: string } | { link: string }): Promise<Session> {
  const res = await signInRaw(h.url, credential);
  if (res.status !== 201) throw new Error(`sign-in: ${res.status} ${JSON.stringify(res.body)}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  return { cookie, csrf: res.body.csrf, setCookie, body: res.body };
}

/** A request carrying the session cookie (and its CSRF header unless noCsrf). */
export async function withCookie(h: Harness, method: string, path: string, o: CookieCall): Promise<Res> {
  return asRes(
    await fetch(h.url + path, {
      method,
      headers: {
        cookie: o.session.cookie,
        ...(o.session.csrf && !o.noCsrf ? { "x-vendo-csrf": o.session.csrf } : {}),
        ...(o.body === undefined ? {} : { "content-type": "application/json" }),
        ...o.headers,
      },
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    }),
  );
}
