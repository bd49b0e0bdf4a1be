/**
 * Every error code the SDK raises, stable to branch on (never on the message). The Python SDK and
 * the table in docs/two-modes.md list the same codes; test/errors.test.ts keeps the three equal.
 */
export const VENDO_ERROR_CODES = [
  /** The slug is not in the catalog this SDK was generated from. */
  "UNKNOWN_INTEGRATION",
  /** VENDO_MODE is set to something other than "vendo" or "oss". */
  "INVALID_MODE",
  /** No token anywhere in the resolution chain. */
  "MISSING_TOKEN",
  /** Vendo mode, and no proxy base URL anywhere in the resolution chain. */
  "MISSING_BASE_URL",
  /** Vendo mode needs the control API, but its URL, the deployment id or a bearer is not set. */
  "CONTROL_API_UNCONFIGURED",
  /** The control API could not be reached or answered with an error or an unexpected body. */
  "CONTROL_API_FAILED",
] as const;

export type VendoErrorCode = (typeof VENDO_ERROR_CODES)[number];

export class VendoError extends Error {
  override name = "VendoError";
  constructor(
    readonly code: VendoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
