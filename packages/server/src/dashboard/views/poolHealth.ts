// GET /api/v1/operator/pool: each pool credential with its health as this instance's proxy sees it
// (cool-downs are kept in memory, per instance), its books (payable, unexplained) and its last
// reconciliation against the upstream's record, plus reconciliation drift per UTC day.
import { sql } from "kysely";
import type { z } from "zod";
import { defineRoute } from "../../control/defineRoute.js";
import { poolCredentialColumns, poolCredentialViewOf } from "../../control/routes/pools/poolCredentialView.js";
import { isoTime } from "../../control/time.js";
import { payableAccount, unexplainedAccount } from "../../ledger/accountIds.js";
import { formatUsd } from "../../ledger/money.js";
import type { CredentialHealth } from "../../proxy/credentialPool.js";
import { DAY_MS } from "../../store/usageDaily.js";
import type { Store } from "../../store/db.js";
import { dashboardEndpoints, type dayDrift } from "../contract.js";
import { big, dayWindow } from "./days.js";

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
    return { data, drift_by_day: await driftPerDay(ctx.store, Number(dayWindow(query.days).first) * DAY_MS) };
  });
}

/**
 * ledger/reconciliation.ts's driftByDay, summed by the store: a run every few minutes per credential
 * is thousands of rows a month, of which the view needs one line per credential and day (the
 * count, the unexplained spend booked, and the day's last run).
 */
async function driftPerDay(store: Store, since: number): Promise<Array<z.input<typeof dayDrift>>> {
  const rows = await sql<{ credential_id: string; day: unknown; runs: unknown; booked_unexplained: unknown; drift: bigint; outcome: string }>`
    select g.credential_id, g.day, g.runs, g.booked_unexplained, r.drift, r.outcome
    from (
      select credential_id, at / ${sql.lit(DAY_MS)} as day, count(*) as runs, sum(booked_unexplained) as booked_unexplained, max(at) as last_at
      from reconciliations where at >= ${BigInt(since)}
      group by credential_id, at / ${sql.lit(DAY_MS)}
    ) g
    join reconciliations r on r.credential_id = g.credential_id and r.at = g.last_at
    order by g.day, g.credential_id, r.id desc`.execute(store.db);
  const seen = new Set<string>();
  const out: Array<z.input<typeof dayDrift>> = [];
  for (const row of rows.rows) {
    const day = new Date(Number(big(row.day)) * DAY_MS).toISOString().slice(0, 10);
    if (seen.has(`${day} ${row.credential_id}`)) continue; // two runs in the same millisecond: the later one
    seen.add(`${day} ${row.credential_id}`);
    out.push({ day, credential_id: row.credential_id, runs: Number(big(row.runs)), booked_unexplained: formatUsd(big(row.booked_unexplained)), last_drift: formatUsd(row.drift), last_outcome: row.outcome });
  }
  // The order driftByDay gives: by day, then credential.
  return out.sort((a, b) => (a.day === b.day ? a.credential_id.localeCompare(b.credential_id) : a.day.localeCompare(b.day)));
}
