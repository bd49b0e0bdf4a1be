// Tenant isolation: a management key acts on its own tenant only, whatever ids it sends; another
// tenant's resources are reported as not found (their existence is not revealed). The operator
// acts on any tenant and names it.
import type { Caller } from "./auth.js";
import { controlError } from "./errors.js";

/** The tenant a write acts on: a management key's own; the operator must name one in `field`. */
export function actingTenant(caller: Caller, requested: string | undefined, field = "tenant_id"): string {
  if (caller.kind === "operator") {
    if (!requested) throw controlError("invalid_request", `Invalid body.${field}: required when calling with the admin token.`);
    return requested;
  }
  if (requested !== undefined && requested !== caller.tenantId) throw controlError("not_found", `Tenant ${requested} not found.`);
  return caller.tenantId;
}

/** The tenant a listing is limited to: a management key's own; the operator's filter, or null for all. */
export function listingTenant(caller: Caller, requested: string | undefined): string | null {
  if (caller.kind === "operator") return requested ?? null;
  return actingTenant(caller, requested);
}

/** Throws not_found unless the caller may see a resource of `tenantId`. */
export function assertVisible(caller: Caller, tenantId: string, notFoundMessage: string): void {
  if (caller.kind !== "operator" && caller.tenantId !== tenantId) throw controlError("not_found", notFoundMessage);
}
