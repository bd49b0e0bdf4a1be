// vendo doctor: checks the configuration (env vars), the store, Redis, the sealed secrets and each
// upstream, and says what is wrong. Exit code 1 when anything is.
import type { Command } from "commander";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";

export function registerDoctor(program: Command, cli: CliContext): void {
  program
    .command("doctor")
    .description("Check the configuration, the store, Redis, the stored secrets and every upstream, without starting.")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const { runDoctor } = await import("../doctor.js");
      const checks = await runDoctor(cli.env);
      if (opts.json) cli.out.json({ ok: checks.every((c) => c.ok), checks });
      else for (const c of checks) cli.out.line(`${c.ok ? cli.out.green("ok  ") : "FAIL"} ${c.name.padEnd(20)} ${c.detail}`);
      const failed = checks.filter((c) => !c.ok);
      if (failed.length > 0) throw new CliError(`vendo doctor: ${failed.length} check${failed.length > 1 ? "s" : ""} failed (${failed.map((c) => c.name).join(", ")}).`);
    });
}
