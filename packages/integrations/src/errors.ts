/** Every error the catalog can raise, with a stable code to branch on. */
export type CatalogErrorCode =
  | "CATALOG_INVALID"
  | "UNKNOWN_INTEGRATION"
  | "UNKNOWN_PROFILE"
  | "MISSING_CONTEXT"
  | "MISSING_CREDENTIAL"
  | "MISSING_METADATA";

export class CatalogError extends Error {
  override name = "CatalogError";
  constructor(
    readonly code: CatalogErrorCode,
    message: string,
  ) {
    super(message);
  }
}
