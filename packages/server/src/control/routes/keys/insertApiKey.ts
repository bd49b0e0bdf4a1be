// Mints a vendo_sk_ key and inserts its row (hash only). Used for tenant-created keys and for the
// key a connection gives its deployment.
import type { Kysely, Transaction } from "kysely";
import { mintKey, newId, PROXY_KEY_PREFIX } from "../../../security/apiKeys.js";
import { zeroKeyCounters } from "../../../ledger/keyCounters.js";
import type { ApiKeysTable, Database, LimitReset } from "../../../store/schema.js";

export interface NewApiKey {
  tenantId: string;
  integration: string;
  deploymentId: string | null;
  name: string;
  limitAmount?: bigint | null;
  limitReset?: LimitReset;
  rpm?: number | null;
  tpm?: number | null;
  models?: readonly string[] | null;
  /** Web origins a browser app may use the key from (CORS); null: none. */
  allowedOrigins?: readonly string[] | null;
  expiresAt?: number | null;
  fitToBalance?: boolean;
}

export async function insertApiKey(db: Kysely<Database> | Transaction<Database>, key: NewApiKey): Promise<{ row: ApiKeysTable; plaintext: string }> {
  const minted = mintKey(PROXY_KEY_PREFIX);
  const now = BigInt(Date.now());
  const row: ApiKeysTable = {
    id: newId("key"),
    tenant_id: key.tenantId,
    integration: key.integration,
    deployment_id: key.deploymentId,
    name: key.name,
    key_hash: minted.hash,
    prefix: minted.prefix,
    limit_amount: key.limitAmount ?? null,
    limit_reset: key.limitReset ?? "none",
    rpm: key.rpm === null || key.rpm === undefined ? null : BigInt(key.rpm),
    tpm: key.tpm === null || key.tpm === undefined ? null : BigInt(key.tpm),
    models: key.models ? JSON.stringify(key.models) : null,
    allowed_origins: key.allowedOrigins ? JSON.stringify(key.allowedOrigins) : null,
    expires_at: key.expiresAt === null || key.expiresAt === undefined ? null : BigInt(key.expiresAt),
    disabled_at: null,
    deleted_at: null,
    fit_to_balance: key.fitToBalance ? 1n : 0n,
    created_at: now,
    updated_at: now,
  };
  // The key and its money counters (which the ledger keeps) are born together.
  const insert = async (tx: Kysely<Database> | Transaction<Database>) => {
    await tx.insertInto("api_keys").values(row).execute();
    await tx.insertInto("key_counters").values(zeroKeyCounters(row.id)).execute();
  };
  if (db.isTransaction) await insert(db);
  else await db.transaction().execute(insert);
  return { row, plaintext: minted.plaintext };
}
