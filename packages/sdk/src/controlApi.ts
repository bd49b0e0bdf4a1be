// Vendo mode's fallback: ask the control API for the deployment's env vars (docs/two-modes.md).
// GET {apiUrl}/api/v1/deployments/{id}/env?reveal=true → { data: [{ name, value, secret, integration }] }
import { VendoError } from "./errors.js";

export interface ControlApiTarget {
  apiUrl: string;
  deploymentId: string;
  /** VENDO_DEPLOYMENT_TOKEN or VENDO_MANAGEMENT_KEY. Never put in an error message. */
  bearer: string;
  fetch: typeof fetch;
}

/** A boot-time lookup must not hang the app forever. */
const TIMEOUT_MS = 10_000;

export function deploymentEnvUrl(apiUrl: string, deploymentId: string): string {
  return `${apiUrl.replace(/\/+$/, "")}/api/v1/deployments/${encodeURIComponent(deploymentId)}/env?reveal=true`;
}

/** The deployment's env vars by name. */
export async function fetchDeploymentEnv(target: ControlApiTarget): Promise<ReadonlyMap<string, string>> {
  const url = deploymentEnvUrl(target.apiUrl, target.deploymentId);
  const failed = (why: string, cause?: unknown) =>
    new VendoError("CONTROL_API_FAILED", `Control API GET ${url} failed: ${why}`, cause === undefined ? {} : { cause });

  let response: Response;
  try {
    response = await target.fetch(url, {
      headers: { authorization: `Bearer ${target.bearer}`, accept: "application/json" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw failed((err as Error).message, err);
  }
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined; // reported below as an unexpected body, or by the status
  }
  if (!response.ok) throw failed(`HTTP ${response.status}${errorMessage(body)}`);
  const vars = envList(body);
  if (!vars) throw failed('expected a JSON body { "data": [{ "name", "value" }, …] }');
  return new Map(vars.map((v) => [v.name, v.value]));
}

function errorMessage(body: unknown): string {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === "string" ? ` (${message})` : "";
}

function envList(body: unknown): { name: string; value: string }[] | undefined {
  const data = (body as { data?: unknown } | null | undefined)?.data;
  if (!Array.isArray(data)) return undefined;
  const valid = data.every((v) => typeof v?.name === "string" && typeof v?.value === "string");
  return valid ? (data as { name: string; value: string }[]) : undefined;
}
