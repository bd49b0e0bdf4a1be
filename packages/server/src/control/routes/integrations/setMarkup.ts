import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { isoTime } from "../../time.js";

export const setMarkup = defineRoute(endpoints.setMarkup, async ({ params, body }, ctx) => {
  if (!ctx.catalog.has(params.slug)) throw controlError("not_found", `Integration ${params.slug} not found.`);
  const now = BigInt(Date.now());
  const markup_bps = BigInt(body.markup_bps);
  await ctx.store.db
    .insertInto("integration_settings")
    .values({ integration: params.slug, markup_bps, updated_at: now })
    .onConflict((oc) => oc.column("integration").doUpdateSet({ markup_bps, updated_at: now }))
    .execute();
  return { integration: params.slug, markup_bps: body.markup_bps, updated_at: isoTime(now) };
});
