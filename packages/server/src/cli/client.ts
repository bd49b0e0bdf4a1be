// The CLI's HTTP client of the control API, typed by the shared contract: it builds the request
// from an endpoint and its input, and turns any failure into one CliError line.
import type { EndpointSpec, RequestInput, ResponseOf } from "../control/contract/endpoint.js";
import { CliError } from "./cliError.js";

export interface ControlClient {
  readonly apiUrl: string;
  readonly bearerKind: BearerKind;
  call<E extends EndpointSpec>(endpoint: E, input: RequestInput<E>): Promise<ResponseOf<E>>;
}

export type BearerKind = "admin" | "management" | "deployment";

export interface ClientConfig {
  apiUrl: string;
  bearer: string;
  bearerKind: BearerKind;
}

export const DEFAULT_API_URL = "http://127.0.0.1:8080";

/** VENDO_API_URL and the first of VENDO_ADMIN_TOKEN, VENDO_MANAGEMENT_KEY, VENDO_DEPLOYMENT_TOKEN. */
export function clientConfigFromEnv(env: NodeJS.ProcessEnv, apiUrl?: string): ClientConfig {
  const url = (apiUrl ?? env.VENDO_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, "");
  if (env.VENDO_ADMIN_TOKEN) return { apiUrl: url, bearer: env.VENDO_ADMIN_TOKEN, bearerKind: "admin" };
  if (env.VENDO_MANAGEMENT_KEY) return { apiUrl: url, bearer: env.VENDO_MANAGEMENT_KEY, bearerKind: "management" };
  if (env.VENDO_DEPLOYMENT_TOKEN) return { apiUrl: url, bearer: env.VENDO_DEPLOYMENT_TOKEN, bearerKind: "deployment" };
  throw new CliError("No credentials: set VENDO_ADMIN_TOKEN (operator) or VENDO_MANAGEMENT_KEY (tenant).");
}

export function createControlClient(config: ClientConfig): ControlClient {
  return {
    apiUrl: config.apiUrl,
    bearerKind: config.bearerKind,
    async call(endpoint, input) {
      const { params, query, headers, body } = input as { params?: object; query?: object; headers?: object; body?: unknown };
      const url = new URL(config.apiUrl + fillPath(endpoint.path, params));
      for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
      const init: RequestInit = {
        method: endpoint.method,
        headers: {
          authorization: `Bearer ${config.bearer}`,
          accept: "application/json",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...(headers as Record<string, string> | undefined),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      };
      let response: Response;
      try {
        response = await fetch(url, init);
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        throw new CliError(`Cannot reach the control API at ${config.apiUrl} (${cause}). Is "vendo start" or "vendo dev" running? Set VENDO_API_URL to point elsewhere.`);
      }
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (!response.ok) {
        const message = (json as { error?: { message?: unknown } } | undefined)?.error?.message;
        throw new CliError(`${endpoint.method} ${url.pathname} failed (HTTP ${response.status}): ${typeof message === "string" ? message : text.slice(0, 200) || response.statusText}`);
      }
      const parsed = endpoint.response.safeParse(json);
      if (!parsed.success) throw new CliError(`Unexpected answer from ${url.pathname}: is the server the same Vendo version as this CLI?`);
      return parsed.data as ResponseOf<typeof endpoint>;
    },
  };
}

function fillPath(path: string, params: object | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = (params as Record<string, unknown> | undefined)?.[name];
    if (value === undefined) throw new CliError(`Missing ${name} for ${path}.`);
    return encodeURIComponent(String(value));
  });
}
