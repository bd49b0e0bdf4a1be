// Whether an authenticated caller may call an endpoint at all (tenant isolation inside a route is
// scope.ts's job): operator routes refuse management keys; a deployment token reads only its own env.
import type { Caller } from "./auth.js";
import type { EndpointSpec } from "./contract/endpoint.js";
import { controlError } from "./errors.js";

export function authorize(endpoint: EndpointSpec, caller: Caller, params: unknown): void {
  if (caller.kind === "deployment") {
    const id = (params as { id?: unknown } | undefined)?.id;
    if (endpoint.access !== "deployment" || id !== caller.deploymentId) {
      throw controlError(
        "deployment_token_scope",
        `A deployment token may only read its own deployment's env (GET /api/v1/deployments/${caller.deploymentId}/env).`,
      );
    }
    return;
  }
  if (endpoint.access === "operator" && caller.kind !== "operator") {
    throw controlError("operator_only", `${endpoint.method} ${endpoint.path} is for the operator (admin token); a management key cannot call it.`);
  }
}
