// @vendodev/sdk: vendo.token(slug) and vendo.baseUrl(slug) in Vendo mode and in OSS mode.
// Zero runtime dependencies. The resolution chain is documented in docs/two-modes.md.
export { Vendo, type VendoOptions } from "./vendo.js";
export { VendoError, VENDO_ERROR_CODES, type VendoErrorCode } from "./errors.js";
export type { Env, Mode } from "./environment.js";
export { integrations, type IntegrationFacts, type IntegrationSlug } from "./integrations.generated.js";
