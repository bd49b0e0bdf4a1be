// Loading, error and empty states, said in words (and to screen readers).
import type { ComponentChildren, JSX } from "preact";
import type { ApiError } from "../api.js";

export function Loading({ what }: { what: string }): JSX.Element {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ error }: { error: ApiError | string }): JSX.Element {
  const message = typeof error === "string" ? error : error.message;
  const status = typeof error === "string" ? null : error.status;
  return (
    <p class="error" role="alert">
      {status === 404 ? "Not found: " : ""}
      {message}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }): JSX.Element {
  return <p class="muted empty">{children}</p>;
}

/** A view's data: loading, its error, or its content. */
export function Loaded<T>(props: { data: T | null; error: ApiError | null; what: string; children: (data: T) => ComponentChildren }): JSX.Element {
  if (props.error && props.data === null) return <ErrorNote error={props.error} />;
  if (props.data === null) return <Loading what={props.what} />;
  return <>{props.children(props.data)}</>;
}
