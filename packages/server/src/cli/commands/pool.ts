// vendo pool add|list|disable (upstream credentials) and vendo markup set|list (operator).
import type { Command } from "commander";
import type { z } from "zod";
import { endpoints, type poolCredentialView } from "../../control/contract/index.js";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";
import { readStdin } from "../readStdin.js";

const poolColumns = ["id", "integration", "label", "masked", "state", "created_at"];
const poolRow = (p: z.output<typeof poolCredentialView>) => ({ ...p, state: p.disabled ? "disabled" : "active" });

export function registerPool(program: Command, cli: CliContext): void {
  const pool = program.command("pool").description("The operator's upstream credentials per integration (stored encrypted).");

  pool
    .command("add <integration>")
    .description("Add an upstream key to the pool, read from --secret-env VAR or from stdin (never from the command line).")
    .option("--secret-env <VAR>", "the env var holding the upstream key")
    .option("--label <label>", "a label")
    .option("--json", "print JSON")
    .action(async (integration: string, opts: { secretEnv?: string; label?: string; json?: boolean }, cmd: Command) => {
      const secret = opts.secretEnv !== undefined ? cli.env[opts.secretEnv] : await readStdin();
      if (!secret?.trim()) {
        throw new CliError(opts.secretEnv ? `--secret-env ${opts.secretEnv}: that environment variable is empty.` : "Give the upstream key with --secret-env VAR or on stdin.");
      }
      const added = await cli.client(cmd).call(endpoints.addPoolCredential, {
        body: { integration, secret: secret.trim(), ...(opts.label !== undefined && { label: opts.label }) },
      });
      if (opts.json) cli.out.json(added);
      else cli.out.line(`Added ${added.id} (${added.masked}) to the ${integration} pool.`);
    });

  pool
    .command("list")
    .description("Pool credentials, masked.")
    .option("--integration <slug>", "only this integration's")
    .option("--json", "print JSON")
    .action(async (opts: { integration?: string; json?: boolean }, cmd: Command) => {
      const { data } = await cli.client(cmd).call(endpoints.listPoolCredentials, { query: { ...(opts.integration !== undefined && { integration: opts.integration }) } });
      if (opts.json) cli.out.json(data);
      else cli.out.table(data.map(poolRow), poolColumns);
    });

  pool
    .command("disable <credential>")
    .description("Take a credential out of the pool.")
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const p = await cli.client(cmd).call(endpoints.disablePoolCredential, { params: { id } });
      cli.out.line(`${p.id} (${p.masked}) is disabled.`);
    });

  const markup = program.command("markup").description("Markup the proxy adds to an integration's upstream cost (operator).");
  markup
    .command("set <integration> <bps>")
    .description("Set the markup in basis points (100 = 1%).")
    .action(async (integration: string, bps: string, _opts: unknown, cmd: Command) => {
      if (!/^\d+$/.test(bps)) throw new CliError(`<bps> must be a whole number of basis points (100 = 1%), got "${bps}".`);
      const m = await cli.client(cmd).call(endpoints.setMarkup, { params: { slug: integration }, body: { markup_bps: Number(bps) } });
      cli.out.line(`${m.integration}: markup ${m.markup_bps} bps (${m.markup_bps / 100}%).`);
    });
  markup
    .command("list")
    .description("Integrations with their markup and proxy URL.")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { data } = await cli.client(cmd).call(endpoints.listIntegrations, {});
      if (opts.json) cli.out.json(data);
      else cli.out.table(data.map((i) => ({ integration: i.slug, name: i.name, markup_bps: i.markup_bps, proxy_url: i.proxy_url })), ["integration", "name", "markup_bps", "proxy_url"]);
    });
}
