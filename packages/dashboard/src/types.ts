// The shapes of the control API answers the views read (money as exact USD strings). The server's
// zod contract is the source; these are the fields the page uses.
export interface Balance {
  tenant_id: string;
  balance: string;
  held: string;
  available: string;
}

export interface SpendSeries {
  group: string;
  label: string;
  amounts: string[];
  total: string;
  calls: number;
}

export interface TenantSpend {
  tenant_id: string;
  days: string[];
  daily: string[];
  daily_calls: number[];
  total: string;
  calls: number;
  by_model: SpendSeries[];
  by_key: SpendSeries[];
}

export interface Key {
  id: string;
  tenant_id: string;
  integration: string;
  deployment_id: string | null;
  name: string;
  prefix: string;
  limit: string | null;
  limit_reset: "daily" | "weekly" | "monthly" | "none";
  rpm: number | null;
  models: string[] | null;
  allowed_origins: string[] | null;
  disabled: boolean;
  deleted_at: string | null;
  usage: string;
  period_usage: string;
  held: string;
  limit_remaining: string | null;
  fit_to_balance: boolean;
  created_at: string;
}

export interface CreatedKey extends Key {
  key: string;
}

export interface Call {
  request_id: string;
  key_id: string;
  deployment_id: string | null;
  integration: string;
  path: string;
  model: string | null;
  generation_id: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  upstream_cost: string;
  charge: string;
  estimated: boolean;
  streamed: boolean;
  status: string;
  http_status: number;
  latency_ms: number;
  created_at: string;
}

export interface StatementLine {
  id: string;
  kind: string;
  amount: string;
  request_id: string | null;
  idempotency_key: string | null;
  memo: string | null;
  created_at: string;
}

export interface CallDetailView {
  call: Call;
  hold: { amount: string; status: string; late: boolean; credential_id: string | null; instance_id: string; created_at: string; ended_at: string | null } | null;
  ledger: StatementLine[];
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Connection {
  id: string;
  integration: string;
  profile: string;
  api_key_prefix: string;
  created_at: string;
}

export interface Deployment {
  id: string;
  name: string;
  token_prefix: string | null;
  created_at: string;
  connections: Connection[];
}

export interface EnvVar {
  name: string;
  value: string;
  secret: boolean;
  integration: string;
}

export interface Integration {
  slug: string;
  name: string;
  proxy_url: string;
}

export interface OperatorTenant {
  id: string;
  name: string;
  status: "active" | "suspended";
  balance: string;
  held: string;
  available: string;
  spend: string;
  calls: number;
}

export interface Margin {
  days: string[];
  charge: string[];
  upstream_cost: string[];
  margin: string[];
  calls: number[];
  total: { charge: string; upstream_cost: string; margin: string; calls: number };
  accounts: { revenue: string; payable: string; unexplained: string; funding: string };
}

export interface PoolCredential {
  id: string;
  integration: string;
  label: string;
  masked: string;
  disabled: boolean;
  in_rotation: boolean;
  cooling_until: string | null;
  cooldowns: number;
  last_cooldown_at: string | null;
  payable: string;
  unexplained: string;
  last_reconciliation: { at: string; upstream_usage: string; booked: string; drift: string; booked_unexplained: string; outcome: string } | null;
}

export interface DayDrift {
  day: string;
  credential_id: string;
  runs: number;
  booked_unexplained: string;
  last_drift: string;
  last_outcome: string;
}

export interface OpenHold {
  request_id: string;
  tenant_id: string;
  key_id: string;
  integration: string;
  model: string | null;
  amount: string;
  credential_id: string | null;
  instance_id: string;
  created_at: string;
  expires_at: string;
}

export interface Instance {
  id: string;
  started_at: string;
  heartbeat_at: string;
  epoch: number;
  live: boolean;
  current: boolean;
  pending_holds: number;
}
