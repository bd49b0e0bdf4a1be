// vendo audit: the ledger proves itself (docs/money.md, invariants 1, 2 and 5), reading the store
// directly (not over HTTP): every account's sums equal its journal, all accounts sum to zero, held
// equals the pending holds, each posted hold equals its legs, no silent instance's hold is left
// pending; and the books agree with the upstream's own record of each pool credential. Exit 1 on
// any mismatch.
import type { Command } from "commander";
import { formatUsd } from "../../ledger/money.js";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";
import { openStoreOrFail, openUpstreamRecords } from "../storeAccess.js";
import { printReconciliation } from "./reconcile.js";

export function registerAudit(program: Command, cli: CliContext): void {
  program
    .command("audit")
    .description("Check the ledger against itself and against the upstream's record; exit 1 on any mismatch. Uses DATABASE_URL or the SQLite file.")
    .option("--sqlite-path <path>", "the SQLite store (default $VENDO_SQLITE_PATH or .vendo/vendo.db)")
    .option("--data-dir <dir>", "the data folder (secret key, dev upstreams) (default $VENDO_DATA_DIR or .vendo)")
    .option("--skip-upstream", "check the ledger only, not its agreement with the upstream")
    .option("--json", "print JSON")
    .action(async (opts: { sqlitePath?: string; dataDir?: string; skipUpstream?: boolean; json?: boolean }) => {
      const store = await openStoreOrFail(cli.env, opts);
      try {
        const { auditLedger } = await import("../../ledger/audit.js");
        const report = await auditLedger(store);
        const rows = report.tenants.map((t) => ({
          tenant: t.tenantId,
          balance: formatUsd(t.balance),
          entries_sum: formatUsd(t.entriesSum),
          held: formatUsd(t.held),
          pending_holds: formatUsd(t.pendingHoldsSum),
          leaked_holds: Number(t.leakedHolds),
          ok: t.ok ? "ok" : "MISMATCH",
        }));
        const accounts = report.accounts.map((a) => ({
          account: a.account,
          debits: formatUsd(a.debits),
          credits: formatUsd(a.credits),
          ok: a.ok ? "ok" : `MISMATCH (journal ${formatUsd(a.entriesDebits)} / ${formatUsd(a.entriesCredits)})`,
        }));
        let upstream = null;
        let unrecorded: string[] = [];
        if (!opts.skipUpstream) {
          const { reconcileWithUpstream } = await import("../../ledger/reconciliation.js");
          const access = await openUpstreamRecords(store, cli.env, opts);
          try {
            const { createLogger } = await import("../../logger.js");
            upstream = await reconcileWithUpstream({ store, logger: createLogger("silent"), readUsage: access.records.readUsage }, { dryRun: true });
            unrecorded = noUpstreamRecord(upstream, access.records.noUsageRecord);
          } finally {
            await access.close();
          }
        }
        const upstreamBad = (upstream ?? []).filter((r) => r.outcome !== "agreed" && r.outcome !== "in_flight" && r.outcome !== "no_upstream_record");
        const problems = [
          ...report.tenants.filter((t) => !t.ok).map((t) => `tenant ${t.tenantId} does not reconcile`),
          ...report.accounts.filter((a) => !a.ok).map((a) => `account ${a.account} differs from its journal`),
          ...(report.conservation === 0n ? [] : [`the accounts sum to ${formatUsd(report.conservation)}, not 0`]),
          ...report.keys.map((k) => `key ${k.keyId}'s counters differ from its holds`),
          ...report.holds.map((h) => `call ${h.requestId}: charge ${formatUsd(h.charge)} but its legs sum to ${formatUsd(h.legsSum)}${h.duplicateLegs ? " (posted twice)" : ""}`),
          ...upstreamBad.map((r) => `pool credential ${r.credentialId}: ${r.outcome} (upstream ${r.upstreamUsage === null ? "unknown" : formatUsd(r.upstreamUsage)}, books ${formatUsd(r.booked)})`),
        ];
        if (opts.json) {
          cli.out.json({ ok: problems.length === 0, tenants: rows, accounts, upstream: upstream && upstream.map(reconciliationJson), not_reconciled: unrecorded, problems });
        } else {
          cli.out.table(rows, ["tenant", "balance", "entries_sum", "held", "pending_holds", "leaked_holds", "ok"]);
          cli.out.line();
          cli.out.table(accounts, ["account", "debits", "credits", "ok"]);
          if (upstream) {
            cli.out.line();
            printReconciliation(cli, upstream);
            for (const line of unrecorded) cli.out.line(cli.out.dim(line));
          }
        }
        if (problems.length > 0) throw new CliError(`Ledger audit failed (${store.location}):\n- ${problems.join("\n- ")}`);
        if (!opts.json) cli.out.line(cli.out.green(`Ledger audit passed: ${report.tenants.length} tenants, ${report.accounts.length} operator accounts${upstream ? `, ${upstream.length} pool credentials against the upstream` : ""} (${store.location}).`));
      } finally {
        await store.close();
      }
    });
}

/**
 * One line per integration whose credentials could not be compared with the upstream, saying why:
 * their books are Vendo's alone (docs/money.md, invariant 5), and the audit says so rather than
 * passing them as agreed.
 */
export function noUpstreamRecord(report: import("../../ledger/reconciliation.js").CredentialReconciliation[], why: (integration: string) => string | null): string[] {
  const byIntegration = new Map<string, string[]>();
  for (const r of report.filter((r) => r.outcome === "no_upstream_record")) byIntegration.set(r.integration, [...(byIntegration.get(r.integration) ?? []), r.credentialId]);
  return [...byIntegration].map(
    ([integration, ids]) => `not reconciled: ${integration} (${ids.length} pool credential${ids.length > 1 ? "s" : ""}): ${why(integration) ?? "the upstream keeps no usage record"}.`,
  );
}

export function reconciliationJson(r: import("../../ledger/reconciliation.js").CredentialReconciliation) {
  return {
    credential: r.credentialId,
    integration: r.integration,
    outcome: r.outcome,
    upstream_usage: r.upstreamUsage === null ? null : formatUsd(r.upstreamUsage),
    booked: formatUsd(r.booked),
    drift: formatUsd(r.drift),
    booked_unexplained: formatUsd(r.bookedUnexplained),
    calls_in_flight: r.inFlight,
    in_flight_bound: formatUsd(r.inFlightBound),
  };
}
