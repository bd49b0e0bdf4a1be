// Where `vendo dev` sends OpenRouter calls: the real OpenRouter with the keys in
// OPENROUTER_POOL_KEYS, or else a sandbox started in-process with a generated upstream key.
import { join } from "node:path";
import { startSandbox } from "@vendo/sandbox";
import { randomBase62 } from "../../security/apiKeys.js";
import { CliError } from "../cliError.js";
import { persistedSecret } from "./persistedSecret.js";

/** The sandbox's port unless --sandbox-port or VENDO_SANDBOX_PORT says otherwise: the same at every start. */
export const DEFAULT_SANDBOX_PORT = 8787;

export interface DevUpstream {
  kind: "sandbox" | "openrouter";
  /** Pool keys to register, with the label `vendo dev` manages them by. */
  poolKeys: Array<{ secret: string; label: string }>;
  /** Upstream base override for the server (the sandbox's), or none for the catalog's. */
  upstreams: Record<string, string>;
  describe: string;
  /** The sandbox's audit log (every call it served, with its exact cost); null for OpenRouter. */
  auditUrl: string | null;
  close(): Promise<void>;
}

export async function startDevUpstream(env: NodeJS.ProcessEnv, dataDir: string, sandboxPort: number): Promise<DevUpstream> {
  const realKeys = (env.OPENROUTER_POOL_KEYS ?? "").split(",").map((k) => k.trim()).filter(Boolean);
  if (realKeys.length > 0) {
    return {
      kind: "openrouter",
      poolKeys: realKeys.map((secret, i) => ({ secret, label: `dev:OPENROUTER_POOL_KEYS[${i}]` })),
      upstreams: {},
      describe: `OpenRouter (${realKeys.length} key${realKeys.length > 1 ? "s" : ""} from OPENROUTER_POOL_KEYS)`,
      auditUrl: null,
      close: async () => undefined,
    };
  }
  const key = persistedSecret(join(dataDir, "sandbox.key"), () => `sk-or-v1-sandbox-${randomBase62(24)}`);
  const sandbox = await startSandbox({ port: sandboxPort, keys: [key] }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "EADDRINUSE") {
      throw new CliError(`The sandbox's port ${sandboxPort} is in use: pass --sandbox-port N or set VENDO_SANDBOX_PORT (0 picks a free one).`);
    }
    throw err;
  });
  return {
    kind: "sandbox",
    poolKeys: [{ secret: key, label: "dev:sandbox" }],
    // The catalog's upstream base is https://openrouter.ai/api and paths are /v1/…; the sandbox serves /api/v1/….
    upstreams: { openrouter: `${sandbox.url}/api` },
    describe: `sandbox at ${sandbox.baseUrl} (set OPENROUTER_POOL_KEYS to use OpenRouter)`,
    auditUrl: `${sandbox.url}/__sandbox/calls`,
    close: () => sandbox.close(),
  };
}
