// Boot (a one-time link in the fragment, or the session cookie), then the routes.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, onSessionLost } from "./api.js";
import { Layout } from "./components/Layout.js";
import { ErrorNote } from "./components/status.js";
import { match, navigate, usePath } from "./router.js";
import { currentSession, homeOf, signIn, signOut, type Session } from "./session.js";
import { SignIn } from "./SignIn.js";
import { OperatorHolds } from "./views/operator/Holds.js";
import { OperatorInstances } from "./views/operator/Instances.js";
import { OperatorOverview } from "./views/operator/Overview.js";
import { OperatorPool } from "./views/operator/Pool.js";
import { CallDetail } from "./views/tenant/CallDetail.js";
import { Calls } from "./views/tenant/Calls.js";
import { Credits } from "./views/tenant/Credits.js";
import { Deployments } from "./views/tenant/Deployments.js";
import { Keys } from "./views/tenant/Keys.js";
import { TenantOverview } from "./views/tenant/Overview.js";

type State = { phase: "booting" } | { phase: "signed-out"; message: string | null } | { phase: "signed-in"; session: Session };

/** Takes a one-time link's token out of the address bar (and so out of history) before using it. */
function takeLinkFromUrl(): string | null {
  const m = /^#link=([A-Za-z0-9_]+)$/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, "", location.pathname + location.search);
  return m[1] ?? null;
}

export function App(): JSX.Element {
  const [state, setState] = useState<State>({ phase: "booting" });
  const path = usePath();

  useEffect(() => {
    onSessionLost((message) => setState({ phase: "signed-out", message }));
    const link = takeLinkFromUrl();
    const boot = link ? signIn({ link }) : currentSession();
    boot.then(
      (session) => setState({ phase: "signed-in", session }),
      (err: unknown) => setState({ phase: "signed-out", message: link && err instanceof ApiError ? err.message : null }),
    );
  }, []);

  useEffect(() => {
    if (state.phase === "signed-in" && /^\/dashboard\/?$/.test(path)) navigate(homeOf(state.session), true);
  }, [state, path]);

  if (state.phase === "booting") return <p class="muted boot">Loading the dashboard…</p>;
  if (state.phase === "signed-out") {
    return <SignIn message={state.message} onSignedIn={(session) => (setState({ phase: "signed-in", session }), navigate(homeOf(session), true))} />;
  }
  const { session } = state;
  const leave = async () => {
    await signOut().catch(() => undefined);
    setState({ phase: "signed-out", message: "You have signed out." });
    navigate("/dashboard", true);
  };
  return (
    <Layout session={session} path={path} onSignOut={leave}>
      {route(session, path)}
    </Layout>
  );
}

function route(session: Session, path: string): JSX.Element {
  let p: Record<string, string> | null;
  if ((p = match("/dashboard/t/:tenant", path))) return <TenantOverview tenant={p.tenant as string} />;
  if ((p = match("/dashboard/t/:tenant/keys", path))) return <Keys tenant={p.tenant as string} operator={session.kind === "operator"} />;
  if ((p = match("/dashboard/t/:tenant/calls", path))) return <Calls tenant={p.tenant as string} />;
  if ((p = match("/dashboard/t/:tenant/calls/:request", path))) return <CallDetail tenant={p.tenant as string} request={p.request as string} />;
  if ((p = match("/dashboard/t/:tenant/deployments", path))) return <Deployments tenant={p.tenant as string} />;
  if ((p = match("/dashboard/t/:tenant/credits", path))) return <Credits tenant={p.tenant as string} />;
  if (session.kind === "operator") {
    if (match("/dashboard/operator", path)) return <OperatorOverview />;
    if (match("/dashboard/operator/pool", path)) return <OperatorPool />;
    if (match("/dashboard/operator/holds", path)) return <OperatorHolds />;
    if (match("/dashboard/operator/instances", path)) return <OperatorInstances />;
  }
  if (/^\/dashboard\/?$/.test(path)) return <p class="muted">Loading…</p>;
  return (
    <section>
      <h1 tabIndex={-1}>Not found</h1>
      <ErrorNote error={`There is no page ${path} for you here.`} />
    </section>
  );
}
