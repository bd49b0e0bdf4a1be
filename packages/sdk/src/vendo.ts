// new Vendo().token(slug) / .baseUrl(slug): the resolution chain of DESIGN §5 (docs/two-modes.md).
import { fetchDeploymentEnv, type ControlApiTarget } from "./controlApi.js";
import { detectMode, nonEmpty, processEnv, read, type Env, type Mode } from "./environment.js";
import { VendoError } from "./errors.js";
import { integrations, type IntegrationFacts, type IntegrationSlug } from "./integrations.generated.js";

export interface VendoOptions {
  /** Step 1 of the chain: tokens passed in code win over everything else. */
  tokens?: Partial<Record<IntegrationSlug, string>> | undefined;
  /** Step 1 for base URLs. */
  baseUrls?: Partial<Record<IntegrationSlug, string>> | undefined;
  /** Where env vars are read; defaults to process.env. */
  env?: Env | undefined;
  /** Used for the control API lookup; defaults to the global fetch. */
  fetch?: typeof fetch | undefined;
  /** Overrides VENDO_API_URL. */
  apiUrl?: string | undefined;
  /** Overrides VENDO_DEPLOYMENT_ID (and, like it, means Vendo mode). */
  deploymentId?: string | undefined;
}

export class Vendo {
  readonly #options: VendoOptions;
  readonly #env: Env;
  /** One control API lookup per instance, shared by token() and baseUrl(); dropped if it fails. */
  #deploymentEnv: Promise<ReadonlyMap<string, string>> | undefined;

  constructor(options: VendoOptions = {}) {
    this.#options = options;
    this.#env = options.env ?? processEnv();
  }

  /** "vendo" when VENDO_MODE=vendo or a deployment id is set; "oss" otherwise (or with VENDO_MODE=oss). */
  get mode(): Mode {
    return detectMode(this.#env, this.#options.deploymentId);
  }

  async token(slug: IntegrationSlug): Promise<string> {
    const facts = integrationFacts(slug);
    const found = nonEmpty(this.#options.tokens?.[slug]) ?? (await this.#fromEnvironment(facts.tokenEnv));
    if (found) return found;
    if (this.mode === "oss") {
      throw new VendoError(
        "MISSING_TOKEN",
        `No token for ${slug} in OSS mode: set ${facts.tokenEnv} to your ${facts.name} API key, ` +
          `or pass it in code: new Vendo({ tokens: { ${slug}: "…" } }).`,
      );
    }
    throw new VendoError("MISSING_TOKEN", this.#notInVendoMode(slug, facts.tokenEnv));
  }

  async baseUrl(slug: IntegrationSlug): Promise<string> {
    const facts = integrationFacts(slug);
    const found = nonEmpty(this.#options.baseUrls?.[slug]) ?? (await this.#fromEnvironment(facts.baseUrlEnv));
    if (found) return found;
    // OSS mode talks to the provider directly; Vendo mode must never send a vendo_sk_ key there.
    if (this.mode === "oss") return facts.providerBaseUrl;
    throw new VendoError("MISSING_BASE_URL", this.#notInVendoMode(slug, facts.baseUrlEnv));
  }

  /** Steps 2 and 3: the env var; in Vendo mode, when it is absent, the deployment's env from the control API. */
  async #fromEnvironment(envName: string): Promise<string | undefined> {
    const fromEnv = read(this.#env, envName);
    if (fromEnv !== undefined || this.mode === "oss") return fromEnv;
    const target = this.#controlApiTarget(envName);
    this.#deploymentEnv ??= fetchDeploymentEnv(target).catch((err: unknown) => {
      this.#deploymentEnv = undefined; // a failed lookup is retried on the next call
      throw err;
    });
    return nonEmpty((await this.#deploymentEnv).get(envName));
  }

  #controlApiTarget(envName: string): ControlApiTarget {
    const apiUrl = nonEmpty(this.#options.apiUrl) ?? read(this.#env, "VENDO_API_URL");
    const deploymentId = this.#deploymentId();
    const bearer = read(this.#env, "VENDO_DEPLOYMENT_TOKEN") ?? read(this.#env, "VENDO_MANAGEMENT_KEY");
    if (apiUrl && deploymentId && bearer) {
      return { apiUrl, deploymentId, bearer, fetch: this.#options.fetch ?? globalThis.fetch };
    }
    const missing = [
      apiUrl ? [] : ["VENDO_API_URL"],
      deploymentId ? [] : ["VENDO_DEPLOYMENT_ID"],
      bearer ? [] : ["VENDO_DEPLOYMENT_TOKEN (or VENDO_MANAGEMENT_KEY)"],
    ].flat();
    throw new VendoError(
      "CONTROL_API_UNCONFIGURED",
      `${envName} is not set in Vendo mode, and the control API cannot be asked for it: ` +
        `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set.`,
    );
  }

  #deploymentId(): string | undefined {
    return nonEmpty(this.#options.deploymentId) ?? read(this.#env, "VENDO_DEPLOYMENT_ID");
  }

  #notInVendoMode(slug: string, envName: string): string {
    const deployment = this.#deploymentId();
    return (
      `No ${envName} for ${slug} in Vendo mode: the env var is not set and the control API lists none ` +
      `for deployment ${deployment}. Is ${slug} connected to that deployment?`
    );
  }
}

function integrationFacts(slug: string): IntegrationFacts {
  if (!Object.hasOwn(integrations, slug)) {
    throw new VendoError(
      "UNKNOWN_INTEGRATION",
      `Unknown integration "${slug}". Known integrations: ${Object.keys(integrations).join(", ")}.`,
    );
  }
  return integrations[slug as IntegrationSlug];
}
