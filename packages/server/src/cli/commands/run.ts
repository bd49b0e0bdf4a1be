// vendo run --deployment <id> -- <cmd> [args…]: starts the command with the deployment's env,
// forwards SIGINT/SIGTERM to it and exits with its code. Secrets are never printed.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { Command } from "commander";
import { catalog, clientHints } from "@vendo/integrations";
import { childEnv, deploymentBootEnv } from "../bootEnv.js";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export function registerRun(program: Command, cli: CliContext): void {
  program
    .command("run")
    .description("Run a command with a deployment's env injected (boot injection): vendo run --deployment <id> -- node app.js")
    .requiredOption("--deployment <id>", "the deployment whose env to inject")
    .option("--quiet", "print nothing of its own (no client hints)")
    .argument("<command...>", "the command and its arguments (after --)")
    .action(async (command: string[], opts: { deployment: string; quiet?: boolean }, cmd: Command) => {
      const client = cli.client(cmd);
      const token = client.bearerKind === "deployment" ? cli.env.VENDO_DEPLOYMENT_TOKEN : undefined;
      const { env: injected, integrations } = await deploymentBootEnv(client, opts.deployment, token);
      // On stderr, so the app's own stdout stays exactly its own.
      if (!opts.quiet) for (const hint of integrations.flatMap((slug) => hintsOf(slug))) process.stderr.write(`vendo run: ${hint}\n`);
      const [file, ...args] = command as [string, ...string[]];
      process.exitCode = await runChild(file, args, childEnv(cli.env, injected));
    });
}

/** The catalog's client hints for an integration, pointing at its docs page. */
function hintsOf(slug: string): string[] {
  const integration = catalog.get(slug);
  if (!integration) return [];
  return clientHints(integration).map((hint) => `${hint}   (see vendo docs ${slug})`);
}

function runChild(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: "inherit", env });
    const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
    const handlers = FORWARDED.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const cleanup = () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
    child.once("error", (err: NodeJS.ErrnoException) => {
      cleanup();
      reject(new CliError(err.code === "ENOENT" ? `Command not found: ${file}` : `Cannot start ${file}: ${err.message}`, 127));
    });
    child.once("exit", (code, signal) => {
      cleanup();
      // A child killed by a signal exits 128 + its number, as a shell reports it.
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 1));
    });
  });
}
