// GET /api/v1/tenants/:id/calls: recent calls, newest first, by keyset pages. Each filter has its
// index (migration 009): tenant+time, tenant+model+time, key+time, and the partial index of calls
// that did not end ok; the literal `status <> 'ok'` lets both stores pick that partial index.
import { sql } from "kysely";
import { defineRoute } from "../../control/defineRoute.js";
import { requireTenant } from "../../control/routes/tenants/requireTenant.js";
import { dashboardEndpoints } from "../contract.js";
import { callViewOf } from "./callView.js";

export const listCalls = defineRoute(dashboardEndpoints.listCalls, async ({ params, query, caller }, ctx) => {
  await requireTenant(ctx, caller, params.id);
  let q = ctx.store.db.selectFrom("calls").selectAll().where("tenant_id", "=", params.id);
  if (query.model !== undefined) q = q.where("model", "=", query.model);
  if (query.key_id !== undefined) q = q.where("key_id", "=", query.key_id);
  if (query.status === "ok") q = q.where("status", "=", "ok");
  else if (query.status !== undefined) {
    q = q.where(sql<boolean>`status <> 'ok'`);
    if (query.status !== "not_ok") q = q.where("status", "=", query.status);
  }
  if (query.cursor !== undefined) {
    const at = query.cursor.indexOf("_");
    const time = BigInt(query.cursor.slice(0, at));
    const requestId = query.cursor.slice(at + 1);
    q = q
      .where("created_at", "<=", time)
      .where((eb) => eb.or([eb("created_at", "<", time), eb("request_id", "<", requestId)]));
  }
  const rows = await q.orderBy("created_at", "desc").orderBy("request_id", "desc").limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(callViewOf),
    next_cursor: last && rows.length > query.limit ? `${last.created_at}_${last.request_id}` : null,
  };
});
