// The ledger's accounts, named by kind (docs/money.md, "Accounts"). Tenant accounts live in
// `balances`; every other account in `accounts`.

/** Money in from outside (top-ups, an operator's corrections). */
export const FUNDING_ACCOUNT = "funding";

/** A tenant's prepaid balance. */
export const tenantAccount = (tenantId: string): string => `tenant:${tenantId}`;

/** Vendo's revenue from an integration: the markup over upstream cost, and per-call fees. */
export const revenueAccount = (integration: string): string => `revenue:${integration}`;

/** What Vendo owes the upstream for calls served with one pool credential. */
export const payableAccount = (credentialId: string): string => `payable:${credentialId}`;

/** Upstream spend on one pool credential that no call explains (found by reconciliation). */
export const unexplainedAccount = (credentialId: string): string => `unexplained:${credentialId}`;

export function isTenantAccount(account: string): boolean {
  return account.startsWith("tenant:");
}
