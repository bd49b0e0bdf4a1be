// api_keys rows as the API shows them: prefix and hash, never a plaintext; money as USD strings.
import type { z } from "zod";
import { formatUsd } from "../../../ledger/money.js";
import { currentPeriodUsage } from "../../../ledger/periods.js";
import type { ApiKeysTable } from "../../../store/schema.js";
import type { keyView } from "../../contract/keys.js";
import { isoTime, isoTimeOrNull } from "../../time.js";

export type KeyView = z.output<typeof keyView>;

export function keyViewOf(row: ApiKeysTable, now = Date.now()): KeyView {
  const periodUsage = currentPeriodUsage(row, now);
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
    expires_at: isoTimeOrNull(row.expires_at),
    disabled: row.disabled_at !== null,
    disabled_at: isoTimeOrNull(row.disabled_at),
    deleted_at: isoTimeOrNull(row.deleted_at),
    usage: formatUsd(row.usage),
    period_usage: formatUsd(periodUsage),
    held: formatUsd(row.held),
    limit_remaining: remaining === null ? null : formatUsd(remaining > 0n ? remaining : 0n),
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
  };
}
