// Tenant rows (joined with their balance) as the API shows them.
import type { z } from "zod";
import type { ServerContext } from "../../../context.js";
import { balanceJson } from "../money/balanceOf.js";
import type { tenantView } from "../../contract/tenants.js";
import { controlError } from "../../errors.js";
import { isoTime } from "../../time.js";

export type TenantView = z.output<typeof tenantView>;

export function tenantsWithBalance(ctx: ServerContext) {
  return ctx.store.db
    .selectFrom("tenants")
    .leftJoin("balances", "balances.tenant_id", "tenants.id")
    .select(["tenants.id", "tenants.name", "tenants.status", "tenants.created_at", "balances.balance", "balances.held"]);
}

type TenantRow = Awaited<ReturnType<ReturnType<typeof tenantsWithBalance>["executeTakeFirstOrThrow"]>>;

export function tenantViewOf(row: TenantRow): TenantView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    created_at: isoTime(row.created_at),
    balance: balanceJson(row.balance ?? 0n, row.held ?? 0n),
  };
}

/** The tenant's view, or not_found. Callers check visibility first (scope.ts). */
export async function loadTenantView(ctx: ServerContext, id: string): Promise<TenantView> {
  const row = await tenantsWithBalance(ctx).where("tenants.id", "=", id).executeTakeFirst();
  if (!row) throw controlError("not_found", `Tenant ${id} not found.`);
  return tenantViewOf(row);
}
