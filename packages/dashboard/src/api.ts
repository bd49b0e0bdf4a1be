// The page talks to the same origin only: the control API (/api/v1) and the session endpoints
// (/dashboard/session), authenticated by the session cookie. Every change carries the session's
// CSRF token. A 401 means the session is gone: the app goes back to the sign-in form with the
// server's message.
let csrfToken = "";
let onSignedOut: (message: string) => void = () => undefined;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function setCsrf(token: string): void {
  csrfToken = token;
}

export function onSessionLost(handler: (message: string) => void): void {
  onSignedOut = handler;
}

/** Calls the server; resolves with the JSON body of a 2xx, throws ApiError with the server's message otherwise. */
export async function api<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-vendo-csrf"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: "same-origin", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new ApiError(0, "The server did not answer. Is Vendo running?");
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null; // not JSON (a proxy's error page, say): the status says what happened
  }
  if (!response.ok) {
    const message = (json as { error?: { message?: string } } | null)?.error?.message ?? `The server answered ${response.status}.`;
    if (response.status === 401 && !path.startsWith("/dashboard/session")) onSignedOut(message);
    throw new ApiError(response.status, message);
  }
  return json as T;
}

/** A query string from defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") search.set(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : "";
}
