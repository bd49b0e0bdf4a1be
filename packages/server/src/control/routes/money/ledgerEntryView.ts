import type { z } from "zod";
import type { LedgerEntry } from "../../../ledger/accounts.js";
import { formatUsd } from "../../../ledger/money.js";
import type { ledgerEntryView } from "../../contract/money.js";
import { isoTime } from "../../time.js";

export function ledgerEntryViewOf(entry: LedgerEntry): z.output<typeof ledgerEntryView> {
  return {
    id: entry.id.toString(),
    tenant_id: entry.tenant_id,
    kind: entry.kind,
    amount: formatUsd(entry.amount),
    request_id: entry.request_id,
    idempotency_key: entry.idempotency_key,
    memo: entry.memo,
    created_at: isoTime(entry.created_at),
  };
}
