// vendo credits add <tenant> <usd> [--idempotency-key k]
import { randomUUID } from "node:crypto";
import type { Command } from "commander";
import { endpoints } from "../../control/contract/index.js";
import type { CliContext } from "../context.js";

export function registerCredits(program: Command, cli: CliContext): void {
  const credits = program.command("credits").description("Credit tenants' balances (operator).");
  credits
    .command("add <tenant> <usd>")
    .description('Credit a tenant, e.g. "vendo credits add ten_… 10.50". Retrying with the same --idempotency-key credits once.')
    .option("--idempotency-key <key>", "makes a retry safe (default: a new UUID, printed)")
    .option("--memo <text>", "a note on the ledger entry")
    .option("--json", "print JSON")
    .action(async (tenant: string, usd: string, opts: { idempotencyKey?: string; memo?: string; json?: boolean }, cmd: Command) => {
      const idempotencyKey = opts.idempotencyKey ?? randomUUID();
      const result = await cli.client(cmd).call(endpoints.addCredits, {
        params: { id: tenant },
        headers: { "idempotency-key": idempotencyKey },
        body: { amount: usd, ...(opts.memo === undefined ? {} : { memo: opts.memo }) },
      });
      if (opts.json) {
        cli.out.json(result);
        return;
      }
      cli.out.line(
        result.created
          ? `Credited ${result.entry.amount} USD to ${tenant}: balance ${result.balance.balance} USD.`
          : `Already credited with this idempotency key (entry ${result.entry.id}); nothing new. Balance ${result.balance.balance} USD.`,
      );
      if (!opts.idempotencyKey) cli.out.line(cli.out.dim(`idempotency key: ${idempotencyKey} (pass it again to retry safely)`));
    });
}
