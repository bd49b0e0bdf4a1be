import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";

export const listIntegrations = defineRoute(endpoints.listIntegrations, async (_input, ctx) => {
  const settings = await ctx.store.db.selectFrom("integration_settings").select(["integration", "markup_bps"]).execute();
  const markup = new Map(settings.map((s) => [s.integration, Number(s.markup_bps)]));
  return {
    data: [...ctx.catalog.values()].map((i) => ({
      slug: i.slug,
      name: i.name,
      proxy_url: ctx.proxyUrl(i.slug),
      profiles: i.profiles.map((p) => ({ id: p.id, label: p.label, default: p.default, credential: p.credential })),
      markup_bps: markup.get(i.slug) ?? 0,
    })),
  };
});
