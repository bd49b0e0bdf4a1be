// What `vendo docs <slug> [--domain d]` prints; the CLI only parses arguments and writes the result.
import { catalog, getIntegration } from "../catalog.js";
import type { Integration } from "../schema.js";
import { renderIntegrationDoc, type RenderDocOptions } from "./renderIntegrationDoc.js";

/** Throws CatalogError UNKNOWN_INTEGRATION (listing the known slugs) for a slug not in the catalog. */
export function renderDocsCommand(
  slug: string,
  options: RenderDocOptions = {},
  from: ReadonlyMap<string, Integration> = catalog,
): string {
  return renderIntegrationDoc(getIntegration(slug, from), options);
}
