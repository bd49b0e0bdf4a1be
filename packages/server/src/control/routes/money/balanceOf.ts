// A tenant's balance as USD strings, through the ledger module (the one place money is read).
import type { z } from "zod";
import type { ServerContext } from "../../../context.js";
import { getBalance } from "../../../ledger/accounts.js";
import { formatUsd } from "../../../ledger/money.js";
import type { balanceView } from "../../contract/common.js";
import { controlError } from "../../errors.js";

export type BalanceViewJson = z.output<typeof balanceView>;

export async function balanceOf(ctx: ServerContext, tenantId: string): Promise<BalanceViewJson> {
  const view = await getBalance(ctx.store.db, tenantId);
  if (!view) throw controlError("not_found", `Tenant ${tenantId} not found.`);
  return balanceJson(view.balance, view.held);
}

/** Balance, held and what is available, as exact USD strings. */
export function balanceJson(balance: bigint, held: bigint): BalanceViewJson {
  return { balance: formatUsd(balance), held: formatUsd(held), available: formatUsd(balance - held) };
}
