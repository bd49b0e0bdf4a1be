// One-time sign-in links for a tenant's dashboard (`vendo dev` prints one for the demo tenant).
// The token rides in the URL's fragment, which browsers never send to a server; the page swaps it
// for a session and removes it from the address bar and history at once. A link works once, within
// LINK_TTL_MS; only its hash is stored.
import type { ServerContext } from "../context.js";
import { hashKey, randomBase62 } from "../security/apiKeys.js";

export const LINK_TTL_MS = 30 * 60_000;
const LINK_TOKEN = /^vendo_dl_[0-9A-Za-z]{40}$/;

export interface SignInLink {
  url: string;
  expiresAt: number;
}

/** Makes a one-time sign-in link for a tenant (the caller checked the tenant exists). */
export async function createSignInLink(ctx: ServerContext, tenantId: string, now = Date.now()): Promise<SignInLink> {
  const token = `vendo_dl_${randomBase62(40)}`;
  const expiresAt = now + LINK_TTL_MS;
  await ctx.store.db.deleteFrom("dashboard_links").where("expires_at", "<", BigInt(now)).execute();
  await ctx.store.db
    .insertInto("dashboard_links")
    .values({ token_hash: hashKey(token), tenant_id: tenantId, created_at: BigInt(now), expires_at: BigInt(expiresAt), used_at: null })
    .execute();
  return { url: `${ctx.apiUrl()}/dashboard/#link=${token}`, expiresAt };
}

/** Uses a link up: its tenant id the first time within its life, null ever after (or if unknown). */
export async function consumeSignInLink(ctx: ServerContext, token: string, now = Date.now()): Promise<string | null> {
  if (!LINK_TOKEN.test(token)) return null;
  const hash = hashKey(token);
  // One UPDATE decides: of two browsers racing with the same link, one wins.
  const used = await ctx.store.db
    .updateTable("dashboard_links")
    .set({ used_at: BigInt(now) })
    .where("token_hash", "=", hash)
    .where("used_at", "is", null)
    .where("expires_at", ">", BigInt(now))
    .executeTakeFirst();
  if (used.numUpdatedRows !== 1n) return null;
  const row = await ctx.store.db.selectFrom("dashboard_links").select("tenant_id").where("token_hash", "=", hash).executeTakeFirst();
  return row?.tenant_id ?? null;
}
