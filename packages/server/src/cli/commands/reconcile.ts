// vendo reconcile: the books against the upstream's own record, per pool credential (docs/money.md,
// invariant 5). Upstream spend no call explains is booked to unexplained:<credential>; the drift is
// reported per credential and per day. Exit 1 when a drift cannot be explained (the books say more
// than the upstream billed) or a credential's upstream could not be read.
import type { Command } from "commander";
import { formatUsd } from "../../ledger/money.js";
import type { CredentialReconciliation } from "../../ledger/reconciliation.js";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";
import { openStoreOrFail, openUpstreamRecords } from "../storeAccess.js";
import { noUpstreamRecord, reconciliationJson } from "./audit.js";

export function registerReconcile(program: Command, cli: CliContext): void {
  program
    .command("reconcile")
    .description("Compare each pool credential's upstream usage with the books; book unexplained spend; report drift per credential and per day.")
    .option("--sqlite-path <path>", "the SQLite store (default $VENDO_SQLITE_PATH or .vendo/vendo.db)")
    .option("--data-dir <dir>", "the data folder (secret key, dev upstreams) (default $VENDO_DATA_DIR or .vendo)")
    .option("--days <n>", "days of drift history to report", (v) => Number(v), 7)
    .option("--json", "print JSON")
    .action(async (opts: { sqlitePath?: string; dataDir?: string; days: number; json?: boolean }) => {
      const store = await openStoreOrFail(cli.env, opts);
      try {
        const [{ reconcileWithUpstream, driftByDay }, { createLogger }] = await Promise.all([import("../../ledger/reconciliation.js"), import("../../logger.js")]);
        const access = await openUpstreamRecords(store, cli.env, opts);
        let report: CredentialReconciliation[];
        let unrecorded: string[];
        try {
          report = await reconcileWithUpstream({ store, logger: createLogger("silent"), readUsage: access.records.readUsage });
          unrecorded = noUpstreamRecord(report, access.records.noUsageRecord);
        } finally {
          await access.close();
        }
        const days = await driftByDay(store, Date.now() - opts.days * 86_400_000);
        const daily = days.map((d) => ({ day: d.day, credential: d.credentialId, runs: d.runs, booked_unexplained: formatUsd(d.bookedUnexplained), last_drift: formatUsd(d.lastDrift), last_outcome: d.lastOutcome }));
        if (opts.json) cli.out.json({ credentials: report.map(reconciliationJson), not_reconciled: unrecorded, days: daily });
        else {
          printReconciliation(cli, report);
          for (const line of unrecorded) cli.out.line(cli.out.dim(line));
          cli.out.line();
          cli.out.table(daily, ["day", "credential", "runs", "booked_unexplained", "last_drift", "last_outcome"]);
        }
        const bad = report.filter((r) => r.outcome === "negative" || r.outcome === "unreachable");
        if (bad.length > 0) {
          throw new CliError(`Unexplained drift on ${bad.length} pool credential(s): ${bad.map((r) => `${r.credentialId} (${r.outcome})`).join(", ")}.`);
        }
      } finally {
        await store.close();
      }
    });
}

/** The per-credential table both verbs print. */
export function printReconciliation(cli: CliContext, report: CredentialReconciliation[]): void {
  cli.out.table(
    report.map((r) => ({
      credential: r.credentialId,
      outcome: r.outcome,
      upstream: r.upstreamUsage === null ? "-" : formatUsd(r.upstreamUsage),
      books: formatUsd(r.booked),
      drift: formatUsd(r.drift),
      booked_unexplained: formatUsd(r.bookedUnexplained),
      in_flight: r.inFlight,
    })),
    ["credential", "outcome", "upstream", "books", "drift", "booked_unexplained", "in_flight"],
  );
}
