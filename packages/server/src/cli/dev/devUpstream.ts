// Where `vendo dev` sends each integration's calls: the real upstream with the keys in
// <SLUG>_POOL_KEYS (OPENROUTER_POOL_KEYS, OPENAI_POOL_KEYS, …), or else the sandbox — started
// in-process, once, with a generated upstream key — for every integration it imitates. An
// integration with neither (a catalog entry the sandbox does not know) gets no pool.
import { join } from "node:path";
import { catalog, type Integration } from "@vendo/integrations";
import { startSandbox, type Sandbox } from "@vendo/sandbox";
import { randomBase62 } from "../../security/apiKeys.js";
import { CliError } from "../cliError.js";
import { persistedSecret } from "./persistedSecret.js";

/** The sandbox's port unless --sandbox-port or VENDO_SANDBOX_PORT says otherwise: the same at every start. */
export const DEFAULT_SANDBOX_PORT = 8787;

/** The env var of an integration's real pool keys: OPENROUTER_POOL_KEYS. */
export function poolKeysEnvVar(slug: string): string {
  return `${slug.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_POOL_KEYS`;
}

export interface DevIntegration {
  slug: string;
  /** Where its calls go. */
  upstream: "sandbox" | "real";
  /** Pool keys to register, with the label `vendo dev` manages them by. */
  poolKeys: Array<{ secret: string; label: string }>;
}

export interface DevUpstream {
  /** Every integration with a pool, in catalog order. */
  integrations: DevIntegration[];
  /** Upstream base overrides for the server: the sandbox's, for the integrations it serves. */
  upstreams: Record<string, string>;
  /** One line per kind of upstream. */
  describe: string;
  /** The sandbox's audit log (every call it served, with its exact cost); null when no sandbox runs. */
  auditUrl: string | null;
  close(): Promise<void>;
}

function realKeys(env: NodeJS.ProcessEnv, integration: Integration): string[] {
  return (env[poolKeysEnvVar(integration.slug)] ?? "").split(",").map((k) => k.trim()).filter(Boolean);
}

export async function startDevUpstream(env: NodeJS.ProcessEnv, dataDir: string, sandboxPort: number, from: ReadonlyMap<string, Integration> = catalog): Promise<DevUpstream> {
  const real = [...from.values()].map((i) => ({ slug: i.slug, keys: realKeys(env, i) }));
  let sandbox: Sandbox | null = null;
  let sandboxKey = "";
  if (real.some((r) => r.keys.length === 0)) {
    sandboxKey = persistedSecret(join(dataDir, "sandbox.key"), () => `sk-or-v1-sandbox-${randomBase62(24)}`);
    sandbox = await startSandbox({ port: sandboxPort, keys: [sandboxKey] }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") {
        throw new CliError(`The sandbox's port ${sandboxPort} is in use: pass --sandbox-port N or set VENDO_SANDBOX_PORT (0 picks a free one).`);
      }
      throw err;
    });
  }
  const imitated: Readonly<Record<string, string>> = sandbox?.upstreamUrls ?? {};
  const integrations: DevIntegration[] = [];
  const upstreams: Record<string, string> = {};
  for (const { slug, keys } of real) {
    if (keys.length > 0) {
      integrations.push({ slug, upstream: "real", poolKeys: keys.map((secret, i) => ({ secret, label: `dev:${poolKeysEnvVar(slug)}[${i}]` })) });
    } else if (imitated[slug]) {
      upstreams[slug] = imitated[slug] as string;
      integrations.push({ slug, upstream: "sandbox", poolKeys: [{ secret: sandboxKey, label: "dev:sandbox" }] });
    }
  }
  const sandboxed = integrations.filter((i) => i.upstream === "sandbox").map((i) => i.slug);
  const withKeys = integrations.filter((i) => i.upstream === "real").map((i) => `${i.slug} (${poolKeysEnvVar(i.slug)})`);
  const parts = [
    ...(sandbox && sandboxed.length > 0 ? [`sandbox at ${sandbox.url} for ${sandboxed.join(", ")} (set <SLUG>_POOL_KEYS to use the real one)`] : []),
    ...(withKeys.length > 0 ? [`real upstreams for ${withKeys.join(", ")}`] : []),
  ];
  return {
    integrations,
    upstreams,
    describe: parts.join("; "),
    auditUrl: sandbox ? `${sandbox.url}/__sandbox/calls` : null,
    close: async () => {
      await sandbox?.close();
    },
  };
}
