// Every error the control API returns, by stable kind, with its HTTP status. The body is
// OpenRouter's shape, like the proxy's: {"error":{"code":<status>,"message":"…"}}.
// Callers branch on `kind` (or the status), never on message text. A retired kind is never reused.

export const controlErrorStatus = {
  /** A parameter, query field, header or body field failed validation; the message names it. */
  invalid_request: 400,
  /** The body is not JSON (or not the JSON content type). */
  invalid_body: 400,
  /** No bearer token on a route that needs one. */
  missing_credentials: 401,
  /** A bearer that is not the admin token, a live management key or a live deployment token. */
  unknown_credentials: 401,
  /** A vendo_sk_ key: those are for the proxy only. */
  proxy_key_refused: 401,
  /** A dashboard session cookie past its expiry: sign in again. */
  session_expired: 401,
  /** A dashboard session cookie that was signed out, or whose key was revoked: sign in again. */
  session_ended: 401,
  /** A change made with a dashboard session cookie but without its CSRF token (or from another origin). */
  csrf_refused: 403,
  /** The route is the operator's (admin token) and a tenant's key was given. */
  operator_only: 403,
  /** A deployment token used for anything but its own deployment's env. */
  deployment_token_scope: 403,
  /** No such resource visible to the caller (another tenant's resources are reported the same way). */
  not_found: 404,
  /** No such route. */
  route_not_found: 404,
  /** An Idempotency-Key reused with a different amount. */
  idempotency_conflict: 409,
  /** The deployment already has a live connection to that integration. */
  connection_exists: 409,
  /** A pool credential whose secret is already in the pool: its usage upstream would count twice. */
  credential_exists: 409,
  /** The resource was deleted and cannot be changed any more. */
  resource_deleted: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
  /** The store does not answer (readiness). */
  not_ready: 503,
} as const;

export type ControlErrorKind = keyof typeof controlErrorStatus;
export type ControlErrorStatus = (typeof controlErrorStatus)[ControlErrorKind];

export interface ErrorBody {
  error: { code: number; message: string };
}

export class ControlError extends Error {
  readonly status: ControlErrorStatus;
  constructor(
    readonly kind: ControlErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ControlError";
    this.status = controlErrorStatus[kind];
  }

  toBody(): ErrorBody {
    return errorBody(this.status, this.message);
  }
}

/** The one factory: `throw controlError("not_found", "Key key_x not found")`. */
export function controlError(kind: ControlErrorKind, message: string): ControlError {
  return new ControlError(kind, message);
}

/** Answers with the error's status and body (for handlers that cannot throw it). */
export function replyError(reply: { code(status: number): { send(body: ErrorBody): unknown } }, error: ControlError): void {
  void reply.code(error.status).send(error.toBody());
}

export function errorBody(status: number, message: string): ErrorBody {
  return { error: { code: status, message } };
}
