// vendo audit: the ledger proves itself, reading the store directly (not over HTTP). Exit 1 on
// any mismatch: a balance that is not the sum of its entries, held not the sum of open holds,
// or a hold open past its expiry.
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { resolveDataPaths } from "../../config.js";
import { formatUsd } from "../../ledger/money.js";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";

export function registerAudit(program: Command, cli: CliContext): void {
  program
    .command("audit")
    .description("Check every tenant: balance == sum of ledger entries, held == open holds, no expired open hold. Uses DATABASE_URL or the SQLite file.")
    .option("--sqlite-path <path>", "the SQLite store (default $VENDO_SQLITE_PATH or .vendo/vendo.db)")
    .option("--json", "print JSON")
    .action(async (opts: { sqlitePath?: string; json?: boolean }) => {
      const databaseUrl = opts.sqlitePath ? undefined : cli.env.DATABASE_URL;
      const { sqlitePath } = resolveDataPaths({ sqlitePath: opts.sqlitePath }, cli.env);
      if (!databaseUrl && !existsSync(sqlitePath)) throw new CliError(`No store at ${sqlitePath}: pass --sqlite-path or set DATABASE_URL.`);
      // The store's modules load only for this verb (see startServerOrFail).
      const [{ openStore }, { auditLedger }] = await Promise.all([import("../../store/db.js"), import("../../ledger/audit.js")]);
      const store = await openStore({ databaseUrl, sqlitePath });
      try {
        const report = await auditLedger(store);
        const rows = report.tenants.map((t) => ({
          tenant: t.tenantId,
          balance: formatUsd(t.balance),
          entries_sum: formatUsd(t.entriesSum),
          held: formatUsd(t.held),
          open_holds: formatUsd(t.openHoldsSum),
          expired_holds: Number(t.expiredHolds),
          ok: t.ok ? "ok" : "MISMATCH",
        }));
        if (opts.json) cli.out.json({ ok: report.ok, tenants: rows });
        else cli.out.table(rows, ["tenant", "balance", "entries_sum", "held", "open_holds", "expired_holds", "ok"]);
        const bad = report.tenants.filter((t) => !t.ok).length;
        if (bad > 0) throw new CliError(`Ledger audit failed: ${bad} of ${report.tenants.length} tenants do not reconcile (${store.location}).`);
        if (!opts.json) cli.out.line(cli.out.green(`Ledger audit passed: ${report.tenants.length} tenants reconcile (${store.location}).`));
      } finally {
        await store.close();
      }
    });
}
