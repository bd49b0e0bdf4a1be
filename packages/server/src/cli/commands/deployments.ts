// vendo deployments create|list|get|delete|token, vendo connect, vendo disconnect.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { z } from "zod";
import { endpoints, type deploymentView } from "../../control/contract/index.js";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";

type DeploymentView = z.output<typeof deploymentView>;

function deploymentRow(d: DeploymentView) {
  return { id: d.id, name: d.name, tenant: d.tenant_id, connections: d.connections.map((c) => `${c.integration}(${c.profile})`).join(",") || null, created: d.created_at };
}

function metadataPair(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new CliError(`--metadata expects key=value, got "${value}".`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function registerDeployments(program: Command, cli: CliContext): void {
  const deployments = program.command("deployments").description("Deployments: running apps of a tenant, with their connections.");

  deployments
    .command("create <name>")
    .description("Create a deployment; its token (vendo_dt_…) is printed once.")
    .option("--tenant <id>", "the tenant (required with the admin token)")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { tenant?: string; json?: boolean }, cmd: Command) => {
      const created = await cli.client(cmd).call(endpoints.createDeployment, { body: { name, ...(opts.tenant !== undefined && { tenant_id: opts.tenant }) } });
      if (opts.json) return cli.out.json(created);
      cli.out.fields(Object.entries({ ...deploymentRow(created), token: created.token }));
      cli.out.line(cli.out.dim(`Next: vendo connect ${created.id} openrouter`));
    });

  deployments
    .command("list")
    .description("Live deployments.")
    .option("--tenant <id>", "only this tenant's")
    .option("--json", "print JSON")
    .action(async (opts: { tenant?: string; json?: boolean }, cmd: Command) => {
      const { data } = await cli.client(cmd).call(endpoints.listDeployments, { query: { ...(opts.tenant !== undefined && { tenant_id: opts.tenant }) } });
      if (opts.json) cli.out.json(data);
      else cli.out.table(data.map(deploymentRow), ["id", "name", "tenant", "connections", "created"]);
    });

  deployments
    .command("get <deployment>")
    .description("One deployment with its connections.")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const d = await cli.client(cmd).call(endpoints.getDeployment, { params: { id } });
      if (opts.json) cli.out.json(d);
      else cli.out.fields(Object.entries({ ...deploymentRow(d), token: d.token_prefix ? `${d.token_prefix}…` : null }));
    });

  deployments
    .command("delete <deployment>")
    .description("Delete a deployment; its connections end and their keys stop working.")
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const d = await cli.client(cmd).call(endpoints.deleteDeployment, { params: { id } });
      cli.out.line(`${d.id} (${d.name}) deleted.`);
    });

  deployments
    .command("token <deployment>")
    .description("The deployment token (masked unless --reveal); --rotate mints a new one and prints it once.")
    .option("--reveal", "print the token itself")
    .option("--rotate", "replace the token (the old one stops working)")
    .action(async (id: string, opts: { reveal?: boolean; rotate?: boolean }, cmd: Command) => {
      const client = cli.client(cmd);
      const t = opts.rotate
        ? await client.call(endpoints.rotateDeploymentToken, { params: { id } })
        : await client.call(endpoints.getDeploymentToken, { params: { id } });
      cli.out.line(opts.rotate || opts.reveal ? t.token : `${t.prefix}… (pass --reveal to print it)`);
    });

  program
    .command("connect <deployment> <integration>")
    .description("Connect an integration to a deployment: mints the deployment's key for it and shows the env it injects.")
    .option("--profile <id>", "auth profile (default: the integration's default, e.g. vendo_managed_pool)")
    .option("--credential-env <VAR>", "read the tenant's own upstream key (bring-your-own-key) from this env var")
    .option("--credential-file <path>", "read the tenant's own upstream key from this file")
    .option("--metadata <key=value>", "connection metadata (repeatable)", metadataPair)
    .option("--json", "print JSON")
    .action(async (deployment: string, integration: string, opts: { profile?: string; credentialEnv?: string; credentialFile?: string; metadata?: Record<string, string>; json?: boolean }, cmd: Command) => {
      const credential = readCredential(cli.env, opts.credentialEnv, opts.credentialFile);
      const created = await cli.client(cmd).call(endpoints.createConnection, {
        params: { id: deployment },
        body: {
          integration,
          ...(opts.profile !== undefined && { profile: opts.profile }),
          ...(credential !== undefined && { credential }),
          ...(opts.metadata !== undefined && { metadata: opts.metadata }),
        },
      });
      if (opts.json) return cli.out.json(created);
      cli.out.line(`Connected ${integration} to ${deployment} (profile ${created.connection.profile}). Injected at boot:`);
      for (const v of created.env) cli.out.line(`  ${v.name}=${v.value}`);
      cli.out.line(cli.out.dim(`The key is shown once here; "vendo run --deployment ${deployment} -- <cmd>" injects it at every start.`));
    });

  program
    .command("disconnect <deployment> <integration>")
    .description("End a deployment's connection to an integration; its key is disabled.")
    .action(async (deployment: string, integration: string, _opts: unknown, cmd: Command) => {
      await cli.client(cmd).call(endpoints.deleteConnection, { params: { id: deployment, integration } });
      cli.out.line(`Disconnected ${integration} from ${deployment}.`);
    });
}

function readCredential(env: NodeJS.ProcessEnv, fromEnv: string | undefined, fromFile: string | undefined): string | undefined {
  if (fromEnv !== undefined) {
    const value = env[fromEnv];
    if (!value) throw new CliError(`--credential-env ${fromEnv}: that environment variable is not set.`);
    return value;
  }
  if (fromFile !== undefined) {
    try {
      return readFileSync(fromFile, "utf8").trim();
    } catch (err) {
      throw new CliError(`--credential-file ${fromFile}: ${(err as Error).message}`);
    }
  }
  return undefined;
}
