import type { z } from "zod";
import type { managementKeyView } from "../../contract/tenants.js";
import type { ManagementKeysTable } from "../../../store/schema.js";
import { isoTime, isoTimeOrNull } from "../../time.js";

export function managementKeyViewOf(row: Omit<ManagementKeysTable, "key_hash">): z.output<typeof managementKeyView> {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    created_at: isoTime(row.created_at),
    revoked_at: isoTimeOrNull(row.revoked_at),
  };
}
