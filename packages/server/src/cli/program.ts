// The `vendo` command tree. Each verb lives in commands/; this file only assembles them.
import { Command } from "commander";
import { registerAudit } from "./commands/audit.js";
import { registerCredits } from "./commands/credits.js";
import { registerDeployments } from "./commands/deployments.js";
import { registerDev } from "./commands/dev.js";
import { registerDocs } from "./commands/docs.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerEnv } from "./commands/env.js";
import { registerKeys } from "./commands/keys.js";
import { registerPool } from "./commands/pool.js";
import { registerReconcile } from "./commands/reconcile.js";
import { registerRun } from "./commands/run.js";
import { registerSandbox } from "./commands/sandbox.js";
import { registerSecrets } from "./commands/secrets.js";
import { registerStart } from "./commands/start.js";
import { registerTenants } from "./commands/tenants.js";
import { registerUsage } from "./commands/usage.js";
import type { CliContext } from "./context.js";
import { vendoVersion } from "./version.js";

export function buildProgram(cli: CliContext): Command {
  const program = new Command("vendo")
    .description("Vendo: call paid APIs (every LLM behind OpenRouter) without signing up with the provider.")
    .version(vendoVersion(), "-V, --version", "print the version of vendo")
    .option("--api-url <url>", "control API URL (default $VENDO_API_URL or http://127.0.0.1:8080)")
    .addHelpText(
      "after",
      "\nCredentials of management commands: VENDO_ADMIN_TOKEN (operator) or VENDO_MANAGEMENT_KEY (tenant).\nStart here: vendo dev",
    )
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.replace(/\n+$/, "") + "\n") });

  registerDev(program, cli);
  registerStart(program, cli);
  registerSandbox(program, cli);
  registerTenants(program, cli);
  registerCredits(program, cli);
  registerKeys(program, cli);
  registerDeployments(program, cli);
  registerPool(program, cli);
  registerEnv(program, cli);
  registerRun(program, cli);
  registerUsage(program, cli);
  registerAudit(program, cli);
  registerReconcile(program, cli);
  registerDocs(program, cli);
  registerDoctor(program, cli);
  registerSecrets(program, cli);
  return program;
}
