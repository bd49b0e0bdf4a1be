export { CatalogError, type CatalogErrorCode } from "./errors.js";
export { loadCatalog, loadIntegrationFile, catalogDir } from "./load.js";
export { IntegrationSchema, integrationJsonSchema } from "./schema.js";
export type { Integration, IntegrationInput, Profile, EnvVar, Metering, ClientNote, ModelPriceEntry, PriceTable, AdapterKind } from "./schema.js";
export { ADAPTER_KINDS } from "./schema.js";
export { catalogPrices, perToken, type PricedModel } from "./prices.js";
export { catalog, getIntegration } from "./catalog.js";
export {
  defaultProfile,
  envVarAppliesTo,
  tokenEnvVar,
  baseUrlEnvVar,
  proxyHost,
  providerBaseUrl,
  adapterKind,
} from "./integration.js";
export { renderIntegrationDoc, DEFAULT_DOMAIN, type RenderDocOptions } from "./docs/renderIntegrationDoc.js";
export { renderDocsCommand } from "./docs/renderDocsCommand.js";
export { clientHints, clientNotes, CLIENTS_HEADING } from "./docs/clientNotes.js";
export { resolveConnectionEnvVars } from "../lib/resolveConnectionEnvVars.js";
export type { ConnectionRecord, DeploymentContext, ResolvedEnvVar } from "../lib/resolveConnectionEnvVars.js";
