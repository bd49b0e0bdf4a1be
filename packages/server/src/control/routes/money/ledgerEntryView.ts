import type { z } from "zod";
import { signedForTenant, type LedgerEntry } from "../../../ledger/accounts.js";
import { formatUsd } from "../../../ledger/money.js";
import type { ledgerEntryView } from "../../contract/money.js";
import { isoTime } from "../../time.js";

export type LedgerEntryViewJson = z.output<typeof ledgerEntryView>;

/**
 * A tenant's statement line: one transfer as the tenant sees it (amount signed from its side). A
 * call's charge is posted as up to four transfers (upstream cost, markup, and their overage
 * parts): its legs are one line per kind, `charge` (within the hold) and `overage` (beyond it).
 */
export function ledgerEntryViewOf(entry: LedgerEntry): LedgerEntryViewJson {
  return statementLines([entry])[0] as LedgerEntryViewJson;
}

/** Statement lines from journal rows in id order (either direction): a call's legs merged. */
export function statementLines(entries: LedgerEntry[]): LedgerEntryViewJson[] {
  return statementLinesWithIds(entries).map((l) => l.line);
}

/** As statementLines, with each line's lowest journal id (a cursor that continues after it). */
export function statementLinesWithIds(entries: LedgerEntry[]): Array<{ line: LedgerEntryViewJson; lowestId: bigint }> {
  const lines: Array<{ line: LedgerEntryViewJson; nanos: bigint; key: string | null; lowestId: bigint }> = [];
  for (const entry of entries) {
    const kind = entry.kind === "markup" ? "charge" : entry.kind;
    if (kind === "unexplained") continue; // an operator transfer; never on a tenant's statement
    const key = entry.request_id === null ? null : `${entry.request_id} ${kind}`;
    const last = lines.at(-1);
    const nanos = signedForTenant(entry);
    if (key !== null && last && last.key === key) {
      last.nanos += nanos;
      if (entry.id < last.lowestId) last.lowestId = entry.id;
      last.line.amount = formatUsd(last.nanos);
      continue;
    }
    lines.push({
      key,
      nanos,
      lowestId: entry.id,
      line: {
        id: entry.id.toString(),
        tenant_id: entry.tenant_id ?? "",
        kind,
        amount: formatUsd(nanos),
        request_id: entry.request_id,
        idempotency_key: entry.idempotency_key,
        memo: entry.memo,
        created_at: isoTime(entry.created_at),
      },
    });
  }
  return lines.map(({ line, lowestId }) => ({ line, lowestId }));
}
