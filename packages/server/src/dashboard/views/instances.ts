// GET /api/v1/operator/instances: server instances by heartbeat (newest first), which are live
// (heartbeat within the stale window the reaper uses) and how many pending holds each has.
import { sql } from "kysely";
import { defineRoute } from "../../control/defineRoute.js";
import { isoTime } from "../../control/time.js";
import { dashboardEndpoints } from "../contract.js";
import { big } from "./days.js";

const SHOWN = 100;

export const listInstances = defineRoute(dashboardEndpoints.listInstances, async (_input, ctx) => {
  const now = Date.now();
  const staleAfterMs = ctx.config.instanceStaleMs;
  const [instances, pending] = await Promise.all([
    ctx.store.db.selectFrom("instances").selectAll().orderBy("heartbeat_at", "desc").limit(SHOWN).execute(),
    ctx.store.db
      .selectFrom("holds")
      .select((eb) => ["instance_id", eb.fn.countAll().as("n")])
      .where(sql<boolean>`status = 'pending'`)
      .groupBy("instance_id")
      .execute(),
  ]);
  const pendingBy = new Map(pending.map((p) => [p.instance_id, Number(big(p.n))]));
  return {
    stale_after_ms: staleAfterMs,
    data: instances.map((i) => ({
      id: i.id,
      started_at: isoTime(i.started_at),
      heartbeat_at: isoTime(i.heartbeat_at),
      epoch: Number(i.epoch),
      live: Number(i.heartbeat_at) >= now - staleAfterMs,
      current: i.id === ctx.instanceId,
      pending_holds: pendingBy.get(i.id) ?? 0,
    })),
  };
});
