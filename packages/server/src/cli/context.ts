// What every command shares: the output, the environment, and a control API client built from the
// global --api-url option and the credentials in the environment.
import type { Command } from "commander";
import { endpoints } from "../control/contract/index.js";
import { CliError } from "./cliError.js";
import { clientConfigFromEnv, createControlClient, type ControlClient } from "./client.js";
import type { Output } from "./output.js";

export interface CliContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  client(command: Command): ControlClient;
}

export function createCliContext(out: Output, env: NodeJS.ProcessEnv): CliContext {
  return {
    out,
    env,
    client: (command) => createControlClient(clientConfigFromEnv(env, command.optsWithGlobals<{ apiUrl?: string }>().apiUrl)),
  };
}

/** The tenant a command acts on: --tenant, or the management key's own tenant. */
export async function resolveTenant(client: ControlClient, given: string | undefined): Promise<string> {
  if (given) return given;
  const me = await client.call(endpoints.whoami, {});
  if (me.tenant_id) return me.tenant_id;
  throw new CliError("--tenant <id> is required with the admin token.");
}
