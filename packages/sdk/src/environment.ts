// The SDK's view of the process environment: an empty value counts as unset.
import { VendoError } from "./errors.js";

export type Env = Readonly<Record<string, string | undefined>>;
export type Mode = "vendo" | "oss";

/** An empty string is treated as absent, in env vars and in values passed in code alike. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

export function read(env: Env, name: string): string | undefined {
  return nonEmpty(env[name]);
}

/** The process environment where there is one (Node, Bun, Deno), else nothing. */
export function processEnv(): Env {
  return typeof process === "undefined" ? {} : process.env;
}

/**
 * Vendo mode when VENDO_MODE=vendo or a deployment id is known (VENDO_DEPLOYMENT_ID, or passed in
 * code); VENDO_MODE=oss forces OSS mode. Any other VENDO_MODE is a typo worth failing on.
 */
export function detectMode(env: Env, deploymentId?: string): Mode {
  const declared = read(env, "VENDO_MODE");
  if (declared === "vendo" || declared === "oss") return declared;
  if (declared !== undefined) {
    throw new VendoError("INVALID_MODE", `VENDO_MODE must be "vendo" or "oss", not "${declared}".`);
  }
  return (nonEmpty(deploymentId) ?? read(env, "VENDO_DEPLOYMENT_ID")) ? "vendo" : "oss";
}
