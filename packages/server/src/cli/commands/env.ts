// vendo env <deployment> [--format dotenv|json|shell] [--reveal]
import type { Command } from "commander";
import { endpoints } from "../../control/contract/index.js";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";
import { ENV_FORMATS, formatEnv, type EnvFormat } from "../envFormat.js";

export function registerEnv(program: Command, cli: CliContext): void {
  program
    .command("env <deployment>")
    .description("The env vars the deployment gets at boot (secrets masked unless --reveal).")
    .option("--format <format>", "dotenv, json or shell", "dotenv")
    .option("--reveal", "print secret values")
    .action(async (deployment: string, opts: { format: string; reveal?: boolean }, cmd: Command) => {
      if (!(ENV_FORMATS as readonly string[]).includes(opts.format)) throw new CliError(`--format must be one of ${ENV_FORMATS.join(", ")}.`);
      const { data } = await cli.client(cmd).call(endpoints.getDeploymentEnv, {
        params: { id: deployment },
        query: opts.reveal ? { reveal: "true" } : {},
      });
      cli.out.line(formatEnv(data, opts.format as EnvFormat));
    });
}
