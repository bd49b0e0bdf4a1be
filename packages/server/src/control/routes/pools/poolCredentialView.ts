import type { z } from "zod";
import type { PoolCredentialsTable } from "../../../store/schema.js";
import type { poolCredentialView } from "../../contract/pools.js";
import { isoTime, isoTimeOrNull } from "../../time.js";

export function poolCredentialViewOf(row: Omit<PoolCredentialsTable, "secret_enc" | "baseline_usage">): z.output<typeof poolCredentialView> {
  return {
    id: row.id,
    integration: row.integration,
    label: row.label,
    last4: row.last4,
    masked: `…${row.last4}`,
    disabled: row.disabled_at !== null,
    created_at: isoTime(row.created_at),
    disabled_at: isoTimeOrNull(row.disabled_at),
  };
}

export const poolCredentialColumns = ["id", "integration", "label", "last4", "created_at", "disabled_at"] as const;
