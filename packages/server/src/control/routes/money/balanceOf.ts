// A tenant's balance as USD strings, through the ledger module (the one place money is read).
import type { z } from "zod";
import type { ServerContext } from "../../../context.js";
import { getBalance } from "../../../ledger/accounts.js";
import { formatUsd } from "../../../ledger/money.js";
import type { balanceView } from "../../contract/common.js";
import { controlError } from "../../errors.js";

export async function balanceOf(ctx: ServerContext, tenantId: string): Promise<z.output<typeof balanceView>> {
  const view = await getBalance(ctx.store.db, tenantId);
  if (!view) throw controlError("not_found", `Tenant ${tenantId} not found.`);
  return { balance: formatUsd(view.balance), held: formatUsd(view.held), available: formatUsd(view.available) };
}
