// `vendo audit`: the ledger proves itself. For every tenant: balance == sum of its entries,
// held == sum of its open holds; and no hold is left open past its expiry by an instance that is
// gone (a live instance's long call keeps its hold until the call ends; that is not a leak).
import { sql } from "kysely";
import { DEFAULT_INSTANCE_STALE_MS } from "../config.js";
import type { Store } from "../store/db.js";

export interface TenantAudit {
  tenantId: string;
  balance: bigint;
  entriesSum: bigint;
  held: bigint;
  openHoldsSum: bigint;
  expiredHolds: bigint;
  ok: boolean;
}

export async function auditLedger(
  store: Store,
  now = Date.now(),
  staleAfterMs = DEFAULT_INSTANCE_STALE_MS,
): Promise<{ ok: boolean; tenants: TenantAudit[] }> {
  const alive = store.db.selectFrom("instances").select("id").where("heartbeat_at", ">=", BigInt(now - staleAfterMs));
  const rows = await store.db
    .selectFrom("balances as b")
    .select((eb) => [
      "b.tenant_id as tenantId",
      "b.balance as balance",
      "b.held as held",
      eb
        .selectFrom("ledger_entries as e")
        .whereRef("e.tenant_id", "=", "b.tenant_id")
        .select(sql<bigint>`cast(coalesce(sum(e.amount), 0) as bigint)`.as("s"))
        .as("entriesSum"),
      eb
        .selectFrom("holds as h")
        .whereRef("h.tenant_id", "=", "b.tenant_id")
        .where("h.status", "=", "open")
        .select(sql<bigint>`cast(coalesce(sum(h.amount), 0) as bigint)`.as("s"))
        .as("openHoldsSum"),
      eb
        .selectFrom("holds as h")
        .whereRef("h.tenant_id", "=", "b.tenant_id")
        .where("h.status", "=", "open")
        .where("h.expires_at", "<", BigInt(now))
        .where("h.instance_id", "not in", alive)
        .select(sql<bigint>`cast(count(*) as bigint)`.as("n"))
        .as("expiredHolds"),
    ])
    .orderBy("b.tenant_id")
    .execute();
  const tenants = rows.map((r) => {
    const entriesSum = BigInt(r.entriesSum ?? 0n);
    const openHoldsSum = BigInt(r.openHoldsSum ?? 0n);
    const expiredHolds = BigInt(r.expiredHolds ?? 0n);
    return {
      tenantId: r.tenantId,
      balance: r.balance,
      entriesSum,
      held: r.held,
      openHoldsSum,
      expiredHolds,
      ok: r.balance === entriesSum && r.held === openHoldsSum && expiredHolds === 0n,
    };
  });
  return { ok: tenants.every((t) => t.ok), tenants };
}
