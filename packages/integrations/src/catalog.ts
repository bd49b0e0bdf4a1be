// The shipped catalog, loaded and validated once at import: a broken entry fails start-up loudly.
import { CatalogError } from "./errors.js";
import { loadCatalog } from "./load.js";
import type { Integration } from "./schema.js";

export const catalog: ReadonlyMap<string, Integration> = loadCatalog();

export function getIntegration(slug: string, from: ReadonlyMap<string, Integration> = catalog): Integration {
  const integration = from.get(slug);
  if (!integration) {
    throw new CatalogError(
      "UNKNOWN_INTEGRATION",
      `Unknown integration "${slug}". Known integrations: ${[...from.keys()].join(", ")}.`,
    );
  }
  return integration;
}
