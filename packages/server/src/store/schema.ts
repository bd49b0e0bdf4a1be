// Row types of every table, shared by both dialects. Conventions that hold everywhere:
// - money is a signed BIGINT of nano-USD (1e-9 USD) and a `bigint` here, never a float;
// - every integer column is BIGINT, read back as `bigint` (pg's int8 parser and
//   better-sqlite3's safe integers are both set in db.ts), so counts are bigint too;
// - times are BIGINT epoch milliseconds; flags are nullable times (`disabled_at`) or 0n/1n;
// - ids are prefixed random text (`ten_…`); JSON is stored as TEXT.
import type { Generated } from "kysely";

export interface TenantsTable {
  id: string;
  name: string;
  status: "active" | "suspended";
  created_at: bigint;
}

export interface ManagementKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  key_hash: string;
  prefix: string;
  created_at: bigint;
  revoked_at: bigint | null;
}

/** One row per tenant: `balance` is always the sum of its ledger entries, `held` the sum of its open holds. */
export interface BalancesTable {
  tenant_id: string;
  balance: bigint;
  held: bigint;
  updated_at: bigint;
}

export type LedgerEntryKind = "topup" | "charge" | "adjustment";

/** Append-only: rows are inserted, never updated or deleted. */
export interface LedgerEntriesTable {
  id: Generated<bigint>;
  tenant_id: string;
  kind: LedgerEntryKind;
  /** Signed nano-USD: positive credits the tenant, negative debits it. */
  amount: bigint;
  /** The proxied call this entry settles (charges); unique per call. */
  request_id: string | null;
  /** Client-supplied idempotency key of a top-up; unique per tenant. */
  idempotency_key: string | null;
  memo: string | null;
  created_at: bigint;
}

export type HoldStatus = "open" | "settled" | "released";

export interface HoldsTable {
  request_id: string;
  tenant_id: string;
  key_id: string;
  amount: bigint;
  status: HoldStatus;
  /** The server instance that placed the hold: its heartbeat tells whether the hold is orphaned. */
  instance_id: string;
  integration: string;
  model: string | null;
  generation_id: string | null;
  /** Pool credential (or "byok") that served the call, for the generation lookup on reconcile. */
  credential_id: string | null;
  created_at: bigint;
  expires_at: bigint;
  ended_at: bigint | null;
}

export interface CallsTable {
  request_id: string;
  tenant_id: string;
  key_id: string;
  deployment_id: string | null;
  integration: string;
  path: string;
  model: string | null;
  generation_id: string | null;
  prompt_tokens: bigint;
  completion_tokens: bigint;
  /** What the upstream said the call cost (usage.cost), or the price book's figure when it said nothing. */
  upstream_cost: bigint;
  /** What the tenant was charged: upstream cost with the integration's markup, rounded once. */
  charge: bigint;
  /** 1n when usage never arrived and the charge was computed from tokens counted by the proxy. */
  estimated: bigint;
  streamed: bigint;
  /** ok | upstream_error | client_aborted | reconciled | released */
  status: string;
  http_status: bigint;
  latency_ms: bigint;
  created_at: bigint;
}

export type LimitReset = "daily" | "weekly" | "monthly" | "none";

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  integration: string;
  deployment_id: string | null;
  name: string;
  key_hash: string;
  prefix: string;
  /** Spending limit per reset period in nano-USD; null means none. */
  limit_amount: bigint | null;
  limit_reset: LimitReset;
  rpm: bigint | null;
  /** Migration 005: tokens (prompt + completion) per minute; null means none. */
  tpm: bigint | null;
  /** JSON array of allowed model ids; null allows all. */
  models: string | null;
  expires_at: bigint | null;
  disabled_at: bigint | null;
  deleted_at: bigint | null;
  /** Lifetime charges through this key. */
  usage: bigint;
  /** Charges in the current reset period, which started at period_start. */
  period_usage: bigint;
  period_start: bigint;
  /** Sum of this key's open holds. */
  held: bigint;
  created_at: bigint;
  updated_at: bigint;
}

export interface DeploymentsTable {
  id: string;
  tenant_id: string;
  name: string;
  created_at: bigint;
  deleted_at: bigint | null;
  /** Migration 002: the deployment token (vendo_dt_…) that may read only this deployment's env. */
  token_hash: string | null;
  /** The same token, sealed, so the operator or tenant can retrieve it for `vendo run`. */
  token_enc: string | null;
  token_prefix: string | null;
}

export interface ConnectionsTable {
  id: string;
  tenant_id: string;
  deployment_id: string;
  integration: string;
  profile: string;
  /** The tenant's own upstream key for BYO profiles, encrypted (see crypto.ts). */
  credential_enc: string | null;
  /** JSON object of string values. */
  metadata: string;
  api_key_id: string;
  /** The deployment's vendo_sk_ key, sealed: `vendo run` injects it at every boot, so unlike a
   *  tenant-created key (hash only) it must be recoverable. Lookups still go by api_keys.key_hash. */
  api_key_enc: string;
  created_at: bigint;
  deleted_at: bigint | null;
}

export interface PoolCredentialsTable {
  id: string;
  integration: string;
  label: string;
  secret_enc: string;
  /** Last four characters, for masked listings. */
  last4: string;
  created_at: bigint;
  disabled_at: bigint | null;
}

export interface IntegrationSettingsTable {
  integration: string;
  /** Markup in basis points added to the upstream cost (100 = 1%). */
  markup_bps: bigint;
  updated_at: bigint;
}

export interface InstancesTable {
  id: string;
  started_at: bigint;
  heartbeat_at: bigint;
}

/**
 * Migration 005, the change feed: one row per change to a key, tenant, connection, pool credential
 * or markup, written by triggers. `seq` is handed out in commit order; readers follow it.
 */
export interface ChangesTable {
  seq: Generated<bigint>;
  entity: ChangeEntity;
  /** What changed: the key id (key, connection), tenant id, or integration slug (pool, markup). */
  ref: string;
  /** The database's clock, epoch ms: for pruning only. */
  created_at: bigint;
}

export type ChangeEntity = "key" | "tenant" | "connection" | "pool" | "markup";

export interface Database {
  tenants: TenantsTable;
  management_keys: ManagementKeysTable;
  balances: BalancesTable;
  ledger_entries: LedgerEntriesTable;
  holds: HoldsTable;
  calls: CallsTable;
  api_keys: ApiKeysTable;
  deployments: DeploymentsTable;
  connections: ConnectionsTable;
  pool_credentials: PoolCredentialsTable;
  integration_settings: IntegrationSettingsTable;
  instances: InstancesTable;
  changes: ChangesTable;
}
