// The sign-in form: the admin token or a vendo_mk_ management key, sent in a POST body (the form
// also posts, never GETs, so a token cannot land in a URL even without scripts).
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api.js";
import { signIn, type Session } from "./session.js";

export function SignIn(props: { message: string | null; onSignedIn(s: Session): void }): JSX.Element {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(props.message);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = "Sign in · Vendo";
    input.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await signIn({ token });
      setToken("");
      props.onSignedIn(session);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <h1>Sign in to Vendo</h1>
      <form method="post" action="/dashboard/session" onSubmit={submit} aria-describedby="sign-in-help">
        <label for="token">Admin token or management key</label>
        <input
          id="token"
          ref={input}
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          aria-invalid={error ? "true" : undefined}
          aria-errormessage={error ? "sign-in-error" : undefined}
        />
        <p id="sign-in-help" class="muted">
          The operator signs in with <code>VENDO_ADMIN_TOKEN</code>; a tenant with its <code>vendo_mk_…</code> key. <code>vendo dev</code> prints a
          one-click link for the demo tenant.
        </p>
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
