// api_keys rows as the API shows them, with the money counters the ledger keeps for them: prefix
// and hash, never a plaintext; money as USD strings.
import type { z } from "zod";
import type { ServerContext } from "../../../context.js";
import { loadKeyCounters, zeroKeyCounters } from "../../../ledger/keyCounters.js";
import { formatUsd } from "../../../ledger/money.js";
import { currentPeriodUsage } from "../../../ledger/periods.js";
import type { ApiKeysTable, KeyCountersTable } from "../../../store/schema.js";
import type { keyView } from "../../contract/keys.js";
import { isoTime, isoTimeOrNull } from "../../time.js";

export type KeyView = z.output<typeof keyView>;

/** One key's view (its counters read from the store). */
export async function keyViewOf(ctx: ServerContext, row: ApiKeysTable): Promise<KeyView> {
  return (await keyViewsOf(ctx, [row]))[0] as KeyView;
}

/** Views of several keys, their counters read in one query. */
export async function keyViewsOf(ctx: ServerContext, rows: ApiKeysTable[], now = Date.now()): Promise<KeyView[]> {
  const counters = await loadKeyCounters(ctx.store.db, rows.map((r) => r.id));
  return rows.map((row) => viewOf(row, counters.get(row.id) ?? zeroKeyCounters(row.id), now));
}

function viewOf(row: ApiKeysTable, counters: KeyCountersTable, now: number): KeyView {
  const periodUsage = currentPeriodUsage({ limit_reset: row.limit_reset, ...counters }, now);
  const remaining = row.limit_amount === null ? null : row.limit_amount - periodUsage;
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    integration: row.integration,
    deployment_id: row.deployment_id,
    name: row.name,
    prefix: row.prefix,
    key_hash: row.key_hash,
    limit: row.limit_amount === null ? null : formatUsd(row.limit_amount),
    limit_reset: row.limit_reset,
    rpm: row.rpm === null ? null : Number(row.rpm),
    tpm: row.tpm === null ? null : Number(row.tpm),
    models: row.models === null ? null : (JSON.parse(row.models) as string[]),
    allowed_origins: row.allowed_origins === null ? null : (JSON.parse(row.allowed_origins) as string[]),
    expires_at: isoTimeOrNull(row.expires_at),
    disabled: row.disabled_at !== null,
    disabled_at: isoTimeOrNull(row.disabled_at),
    deleted_at: isoTimeOrNull(row.deleted_at),
    usage: formatUsd(counters.usage),
    period_usage: formatUsd(periodUsage),
    held: formatUsd(counters.held),
    limit_remaining: remaining === null ? null : formatUsd(remaining > 0n ? remaining : 0n),
    fit_to_balance: row.fit_to_balance === 1n,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
  };
}
