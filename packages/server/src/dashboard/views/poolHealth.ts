// GET /api/v1/operator/pool: each pool credential with its health as this instance's proxy sees it
// (cool-downs are kept in memory, per instance), its books (payable, unexplained) and its last
// reconciliation against the upstream's record, plus reconciliation drift per UTC day.
import { defineRoute } from "../../control/defineRoute.js";
import { poolCredentialColumns, poolCredentialViewOf } from "../../control/routes/pools/poolCredentialView.js";
import { isoTime } from "../../control/time.js";
import { payableAccount, unexplainedAccount } from "../../ledger/accountIds.js";
import { formatUsd } from "../../ledger/money.js";
import { driftByDay } from "../../ledger/reconciliation.js";
import type { CredentialHealth } from "../../proxy/credentialPool.js";
import { DAY_MS } from "../../store/usageDaily.js";
import { dashboardEndpoints } from "../contract.js";
import { dayWindow } from "./days.js";

export function poolHealthRoute(poolHealth: () => CredentialHealth[]) {
  return defineRoute(dashboardEndpoints.getPoolHealth, async ({ query }, ctx) => {
    const { db } = ctx.store;
    const credentials = await db.selectFrom("pool_credentials").select(poolCredentialColumns).orderBy("integration").orderBy("id").execute();
    const ids = credentials.map((c) => c.id);
    const accountIds = ids.flatMap((id) => [payableAccount(id), unexplainedAccount(id)]);
    const accounts = new Map(
      (accountIds.length ? await db.selectFrom("accounts").select(["id", "debits", "credits"]).where("id", "in", accountIds).execute() : []).map((a) => [a.id, a]),
    );
    const health = new Map(poolHealth().map((h) => [h.id, h]));
    const data = await Promise.all(
      credentials.map(async (c) => {
        const last = await db.selectFrom("reconciliations").selectAll().where("credential_id", "=", c.id).orderBy("at", "desc").limit(1).executeTakeFirst();
        const payable = accounts.get(payableAccount(c.id));
        const unexplained = accounts.get(unexplainedAccount(c.id));
        const h = health.get(c.id);
        return {
          ...poolCredentialViewOf(c),
          in_rotation: h?.inRotation ?? false,
          cooling_until: h?.coolingUntil ? isoTime(h.coolingUntil) : null,
          cooldowns: h?.cooldowns ?? 0,
          last_cooldown_at: h?.lastCooldownAt ? isoTime(h.lastCooldownAt) : null,
          payable: formatUsd(payable ? payable.credits - payable.debits : 0n),
          unexplained: formatUsd(unexplained ? unexplained.debits - unexplained.credits : 0n),
          last_reconciliation: last
            ? {
                at: isoTime(last.at),
                upstream_usage: formatUsd(last.upstream_usage),
                booked: formatUsd(last.booked),
                drift: formatUsd(last.drift),
                booked_unexplained: formatUsd(last.booked_unexplained),
                outcome: last.outcome,
              }
            : null,
        };
      }),
    );
    const drift = await driftByDay(ctx.store, Number(dayWindow(query.days).first) * DAY_MS);
    return {
      data,
      drift_by_day: drift.map((d) => ({
        day: d.day,
        credential_id: d.credentialId,
        runs: d.runs,
        booked_unexplained: formatUsd(d.bookedUnexplained),
        last_drift: formatUsd(d.lastDrift),
        last_outcome: d.lastOutcome,
      })),
    };
  });
}
