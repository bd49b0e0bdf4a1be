// vendo sandbox: the upstream simulator (@vendo/sandbox: OpenRouter, OpenAI, Anthropic, Tavily) on its own.
import { runSandboxCli, SandboxArgsError } from "@vendo/sandbox";
import type { Command } from "commander";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";
import { closeWhenOutputCloses } from "../shutdown.js";

export function registerSandbox(program: Command, cli: CliContext): void {
  program
    .command("sandbox")
    .description("Start the sandbox upstream: OpenRouter, OpenAI, Anthropic and Tavily look-alikes (vendo sandbox --help for its options).")
    .argument("[options...]", "passed to the sandbox: --port, --host, --keys, --limit, --rpm")
    .helpOption(false)
    .allowUnknownOption()
    .action(async (args: string[]) => {
      try {
        const sandbox = await runSandboxCli(args, { out: (l) => cli.out.line(l), err: (l) => cli.out.error(l) });
        // The sandbox closes itself on SIGINT/SIGTERM; this adds the closed output pipe.
        if (sandbox) closeWhenOutputCloses(() => sandbox.close());
      } catch (err) {
        if (err instanceof SandboxArgsError) throw new CliError(`vendo sandbox: ${err.message} (see vendo sandbox --help)`);
        throw err;
      }
    });
}
