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

/**
 * A tenant's account (one row per tenant), kept by the ledger: `balance` = credits − debits of its
 * posted transfers, `held` = the sum of its pending holds; `credited` / `debited` are the lifetime
 * sums of each side (OpenRouter's `/credits`: total_credits, total_usage).
 */
export interface BalancesTable {
  tenant_id: string;
  balance: bigint;
  held: bigint;
  credited: bigint;
  debited: bigint;
  updated_at: bigint;
}

/**
 * Kinds of posted transfer:
 * - topup / adjustment: money in from (or back to) `funding`;
 * - charge: a call's upstream cost, tenant → `payable:<credential>`;
 * - markup: the rest of a call's price, tenant → `revenue:<integration>`;
 * - overage: the part of a call's price beyond its hold (either destination);
 * - unexplained: upstream spend no call explains, `unexplained:<credential>` → `payable:<credential>`.
 */
export type LedgerEntryKind = "topup" | "adjustment" | "charge" | "markup" | "overage" | "unexplained";

/**
 * The journal, append-only: one row per posted transfer of `amount` (> 0) from `debit_account` to
 * `credit_account` (double entry: what one account loses another gains). Account ids name their
 * kind: `tenant:<id>`, `funding`, `revenue:<integration>`, `payable:<credential>`,
 * `unexplained:<credential>` (see ledger/accountIds.ts).
 */
export interface LedgerEntriesTable {
  id: Generated<bigint>;
  kind: LedgerEntryKind;
  debit_account: string;
  credit_account: string;
  /** nano-USD, always positive: the direction is in the accounts. */
  amount: bigint;
  /** The tenant account this transfer touches, if any (a tenant's statement is read by it). */
  tenant_id: string | null;
  /** The hold (pending transfer) this transfer posts. */
  request_id: string | null;
  /** Client-supplied idempotency key of a top-up; unique per tenant. */
  idempotency_key: string | null;
  memo: string | null;
  created_at: bigint;
}

/** Operator accounts (every account but a tenant's), as running sums of their posted transfers. */
export interface AccountsTable {
  id: string;
  debits: bigint;
  credits: bigint;
  updated_at: bigint;
}

/**
 * A hold is a pending transfer (TigerBeetle's two-phase model): `pending` until exactly one
 * resolution — `posted` (settled: its charge is in the journal), `voided` (released: nothing to
 * charge) or `expired` (reaped, or past its timeout). An `expired` hold may still be posted once,
 * late (`late` = 1n): a charge that arrives late is a fact, never dropped.
 */
export type HoldStatus = "pending" | "posted" | "voided" | "expired";

export interface HoldsTable {
  /** The call's request id: the pending transfer's id. */
  request_id: string;
  tenant_id: string;
  key_id: string;
  amount: bigint;
  status: HoldStatus;
  /** The server instance that placed the hold, and its epoch then: a reaper fences a silent
   *  instance by bumping its epoch, and expires only holds of older epochs. */
  instance_id: string;
  epoch: bigint;
  integration: string;
  model: string | null;
  /** The upstream's id of the call (OpenRouter's generation id), recorded as soon as known. */
  generation_id: string | null;
  /** Pool credential (or "byok") the call was sent with, recorded as soon as known. */
  credential_id: string | null;
  created_at: bigint;
  expires_at: bigint;
  ended_at: bigint | null;
  /** 1n when the hold was posted after it had expired. */
  late: bigint;
  /** Once posted: what the tenant was charged and what the upstream bills (nano-USD), as the
   *  journal's legs say; a call record lost in a crash is rebuilt from them. */
  charge: bigint;
  upstream_cost: bigint;
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
  /** JSON array of web origins the key may be used from in a browser (CORS), "*" for any; null allows none. */
  allowed_origins: string | null;
  expires_at: bigint | null;
  disabled_at: bigint | null;
  deleted_at: bigint | null;
  /** 1n: a call whose worst case does not fit what the key or balance has left gets a lower
   *  max_tokens (said in `x-vendo-max-tokens`) instead of a 402. */
  fit_to_balance: bigint;
  created_at: bigint;
  updated_at: bigint;
}

/**
 * A key's money counters, kept by the ledger apart from the key's config row (which the control
 * API changes): lifetime usage, pending holds, the limit's current period, and the calendar day,
 * week and month (UTC) for OpenRouter's `/key`, each restarting at its period's start.
 */
export interface KeyCountersTable {
  key_id: string;
  usage: bigint;
  held: bigint;
  period_usage: bigint;
  period_start: bigint;
  day_usage: bigint;
  day_start: bigint;
  week_usage: bigint;
  week_start: bigint;
  month_usage: bigint;
  month_start: bigint;
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
  /** The upstream's usage figure for this credential when it joined the pool (nano-USD): spend
   *  before Vendo used it is not Vendo's. Null until known. */
  baseline_usage: bigint | null;
}

/** One reconciliation of a pool credential against the upstream's own record of its usage. */
export interface ReconciliationsTable {
  id: Generated<bigint>;
  credential_id: string;
  integration: string;
  /** Epoch ms of the upstream read. */
  at: bigint;
  /** The upstream's usage for the credential less its baseline (nano-USD). */
  upstream_usage: bigint;
  /** payable + unexplained booked for the credential before this run (nano-USD). */
  booked: bigint;
  /** upstream_usage − booked. */
  drift: bigint;
  /** The part of the drift this run booked as unexplained spend. */
  booked_unexplained: bigint;
  /** ReconcileOutcome: booked | agreed | in_flight | negative | baseline | unreachable */
  outcome: string;
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
  /** Bumped by a reaper that fenced this instance (see HoldsTable.epoch). */
  epoch: bigint;
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

/**
 * The dashboard's daily usage rollup (migration 009): sums of the call records inserted, per
 * tenant, UTC day (`created_at / 86,400,000`), key, model ('' when none) and integration. Kept in
 * the call-record writer's transaction (store/usageDaily.ts), so it equals `calls` grouped so;
 * usage_daily_tenant and usage_daily_total are the same sums at coarser levels.
 */
export interface UsageDailyTable {
  tenant_id: string;
  day: bigint;
  key_id: string;
  model: string;
  integration: string;
  calls: bigint;
  prompt_tokens: bigint;
  completion_tokens: bigint;
  upstream_cost: bigint;
  charge: bigint;
}

/** usage_daily summed over keys and models: per UTC day, tenant and integration (the operator's tenant list). */
export type UsageDailyTenantTable = Omit<UsageDailyTable, "key_id" | "model">;

/** usage_daily summed over tenants, keys and models: per UTC day and integration (the operator's margin). */
export type UsageDailyTotalTable = Omit<UsageDailyTable, "tenant_id" | "key_id" | "model">;

/** A dashboard sign-in: the session cookie's token, hashed; it expires at `expires_at`. */
export interface DashboardSessionsTable {
  token_hash: string;
  kind: "operator" | "tenant";
  tenant_id: string | null;
  /** The management key a tenant signed in with (the session ends with it); null for a link. */
  management_key_id: string | null;
  /** SHA-256 of the admin token an operator signed in with (the session ends if it changes). */
  admin_token_hash: string | null;
  created_at: bigint;
  expires_at: bigint;
}

/** A one-time sign-in link for a tenant's dashboard (hash only); `used_at` once exchanged. */
export interface DashboardLinksTable {
  token_hash: string;
  tenant_id: string;
  created_at: bigint;
  expires_at: bigint;
  used_at: bigint | null;
}

export interface Database {
  tenants: TenantsTable;
  management_keys: ManagementKeysTable;
  balances: BalancesTable;
  ledger_entries: LedgerEntriesTable;
  accounts: AccountsTable;
  key_counters: KeyCountersTable;
  reconciliations: ReconciliationsTable;
  holds: HoldsTable;
  calls: CallsTable;
  api_keys: ApiKeysTable;
  deployments: DeploymentsTable;
  connections: ConnectionsTable;
  pool_credentials: PoolCredentialsTable;
  integration_settings: IntegrationSettingsTable;
  instances: InstancesTable;
  changes: ChangesTable;
  usage_daily: UsageDailyTable;
  usage_daily_tenant: UsageDailyTenantTable;
  usage_daily_total: UsageDailyTotalTable;
  dashboard_sessions: DashboardSessionsTable;
  dashboard_links: DashboardLinksTable;
}
