import type { Integration } from "@vendo/integrations";
import type { ServerContext } from "../../../context.js";
import { controlError } from "../../errors.js";

/** The catalog entry for a slug given in a request field, or a 400 naming that field. */
export function requireIntegration(ctx: ServerContext, slug: string, field: string): Integration {
  const integration = ctx.catalog.get(slug);
  if (!integration) {
    throw controlError("invalid_request", `Invalid ${field}: unknown integration "${slug}" (known: ${[...ctx.catalog.keys()].join(", ")}).`);
  }
  return integration;
}
