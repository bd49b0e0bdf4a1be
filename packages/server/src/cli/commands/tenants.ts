// vendo tenants create|list|get|suspend|resume|management-key
import type { Command } from "commander";
import { endpoints } from "../../control/contract/index.js";
import { resolveTenant, type CliContext } from "../context.js";

export function registerTenants(program: Command, cli: CliContext): void {
  const tenants = program.command("tenants").description("Tenants: accounts with a prepaid balance (operator).");
  const tenantRow = (t: { id: string; name: string; status: string; balance: { balance: string; held: string; available: string } }) => ({
    id: t.id,
    name: t.name,
    status: t.status,
    balance: t.balance.balance,
    held: t.balance.held,
    available: t.balance.available,
  });
  const columns = ["id", "name", "status", "balance", "held", "available"];

  tenants
    .command("create <name>")
    .description("Create a tenant (balance 0) and print its id.")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      const tenant = await cli.client(cmd).call(endpoints.createTenant, { body: { name } });
      if (opts.json) cli.out.json(tenant);
      else cli.out.fields(Object.entries(tenantRow(tenant)));
    });

  tenants
    .command("list")
    .description("Every tenant with its balance (USD).")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { data } = await cli.client(cmd).call(endpoints.listTenants, { query: {} });
      if (opts.json) cli.out.json(data);
      else cli.out.table(data.map(tenantRow), columns);
    });

  tenants
    .command("get [tenant]")
    .description("One tenant with its balance (default: the management key's tenant).")
    .option("--json", "print JSON")
    .action(async (tenant: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const client = cli.client(cmd);
      const view = await client.call(endpoints.getTenant, { params: { id: await resolveTenant(client, tenant) } });
      if (opts.json) cli.out.json(view);
      else cli.out.fields(Object.entries(tenantRow(view)));
    });

  for (const [verb, endpoint, what] of [
    ["suspend", endpoints.suspendTenant, "Suspend a tenant: the proxy refuses its keys within a second."],
    ["resume", endpoints.resumeTenant, "Resume a suspended tenant."],
  ] as const) {
    tenants
      .command(`${verb} <tenant>`)
      .description(what)
      .option("--json", "print JSON")
      .action(async (tenant: string, opts: { json?: boolean }, cmd: Command) => {
        const view = await cli.client(cmd).call(endpoint, { params: { id: tenant } });
        if (opts.json) cli.out.json(view);
        else cli.out.line(`${view.id} is ${view.status}.`);
      });
  }

  tenants
    .command("management-key <tenant>")
    .description("Mint a vendo_mk_ management key for the tenant (printed once).")
    .option("--name <name>", "a label for the key")
    .option("--json", "print JSON")
    .action(async (tenant: string, opts: { name?: string; json?: boolean }, cmd: Command) => {
      const key = await cli.client(cmd).call(endpoints.createManagementKey, {
        params: { id: tenant },
        body: opts.name === undefined ? {} : { name: opts.name },
      });
      if (opts.json) cli.out.json(key);
      else {
        cli.out.line(key.key);
        cli.out.line(cli.out.dim(`Management key ${key.id} for ${key.tenant_id}: shown once, store it now (export VENDO_MANAGEMENT_KEY=…).`));
      }
    });
}
