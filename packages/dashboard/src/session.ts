// The signed-in session as GET/POST /dashboard/session describe it.
import { api, setCsrf } from "./api.js";

export interface Session {
  kind: "operator" | "tenant";
  tenant_id: string | null;
  tenant_name: string | null;
  csrf: string;
  expires_at: string;
}

export async function currentSession(): Promise<Session> {
  const s = await api<Session>("GET", "/dashboard/session");
  setCsrf(s.csrf);
  return s;
}

export async function signIn(credential: { token: string } | { link: string }): Promise<Session> {
  const s = await api<Session>("POST", "/dashboard/session", credential);
  setCsrf(s.csrf);
  return s;
}

export async function signOut(): Promise<void> {
  await api("DELETE", "/dashboard/session");
  setCsrf("");
}

/** Where a session starts: the operator's overview, or the tenant's own. */
export function homeOf(s: Session): string {
  return s.kind === "operator" ? "/dashboard/operator" : `/dashboard/t/${encodeURIComponent(s.tenant_id ?? "")}`;
}
