// vendo usage and vendo ledger: a tenant's calls and its ledger entries.
import type { Command } from "commander";
import { endpoints } from "../../control/contract/index.js";
import { usageGroupBy } from "../../control/contract/money.js";
import { CliError } from "../cliError.js";
import { resolveTenant, type CliContext } from "../context.js";

// The contract's own values, so the CLI and the API cannot disagree.
const GROUPS = usageGroupBy.options;

export function registerUsage(program: Command, cli: CliContext): void {
  program
    .command("usage")
    .description("Calls, tokens, upstream cost and charges, grouped by day, model, key or deployment.")
    .option("--tenant <id>", "the tenant (default: the management key's)")
    .option("--from <iso>", "start (default: 30 days ago)")
    .option("--to <iso>", "end, exclusive (default: now)")
    .option("--group-by <group>", "day, model, key or deployment", "day")
    .option("--json", "print JSON")
    .action(async (opts: { tenant?: string; from?: string; to?: string; groupBy: string; json?: boolean }, cmd: Command) => {
      if (!(GROUPS as readonly string[]).includes(opts.groupBy)) throw new CliError(`--group-by must be one of ${GROUPS.join(", ")}.`);
      const client = cli.client(cmd);
      const report = await client.call(endpoints.getUsage, {
        params: { id: await resolveTenant(client, opts.tenant) },
        query: {
          group_by: opts.groupBy as (typeof GROUPS)[number],
          ...(opts.from !== undefined && { from: opts.from }),
          ...(opts.to !== undefined && { to: opts.to }),
        },
      });
      if (opts.json) return cli.out.json(report);
      cli.out.table([...report.data, { group: "total", ...report.total }], ["group", "count", "prompt_tokens", "completion_tokens", "upstream_cost", "charge"]);
    });

  program
    .command("ledger")
    .description("Ledger entries, newest first (amounts in USD).")
    .option("--tenant <id>", "the tenant (default: the management key's)")
    .option("--limit <n>", "entries per page", "50")
    .option("--cursor <id>", "continue after this entry (the next cursor printed by the previous page)")
    .option("--json", "print JSON")
    .action(async (opts: { tenant?: string; limit: string; cursor?: string; json?: boolean }, cmd: Command) => {
      const client = cli.client(cmd);
      const page = await client.call(endpoints.listLedgerEntries, {
        params: { id: await resolveTenant(client, opts.tenant) },
        query: { limit: opts.limit, ...(opts.cursor !== undefined && { cursor: opts.cursor }) },
      });
      if (opts.json) return cli.out.json(page);
      cli.out.table(page.data, ["id", "kind", "amount", "request_id", "memo", "created_at"]);
      if (page.next_cursor) cli.out.line(cli.out.dim(`more: vendo ledger --cursor ${page.next_cursor}`));
    });
}
