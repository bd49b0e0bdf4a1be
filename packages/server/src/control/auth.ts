// Who is calling: the operator (admin token, compared in constant time), a tenant (vendo_mk_
// management key, by hash), or a deployment (vendo_dt_ token, by hash). vendo_sk_ proxy keys are
// refused with a message saying so.
import { createHash, timingSafeEqual } from "node:crypto";
import type { ServerContext } from "../context.js";
import { hashKey, MANAGEMENT_KEY_PREFIX, PROXY_KEY_PREFIX } from "../security/apiKeys.js";
import { DEPLOYMENT_TOKEN_PREFIX } from "./deploymentToken.js";
import { controlError } from "./errors.js";

export type Caller =
  | { kind: "operator" }
  | { kind: "tenant"; tenantId: string }
  | { kind: "deployment"; tenantId: string; deploymentId: string };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export async function authenticate(ctx: ServerContext, authorization: string | undefined): Promise<Caller> {
  const token = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  if (!token) {
    throw controlError("missing_credentials", "Missing Authorization: Bearer <admin token or vendo_mk_ management key>.");
  }
  if (token.startsWith(PROXY_KEY_PREFIX)) {
    throw controlError(
      "proxy_key_refused",
      "vendo_sk_ keys are proxy keys: use them with the proxy. The control API takes the admin token or a vendo_mk_ management key.",
    );
  }
  if (token.startsWith(MANAGEMENT_KEY_PREFIX)) return managementKeyCaller(ctx, token);
  if (token.startsWith(DEPLOYMENT_TOKEN_PREFIX)) return deploymentCaller(ctx, token);
  if (ctx.config.adminToken && sameSecret(token, ctx.config.adminToken)) return { kind: "operator" };
  throw controlError("unknown_credentials", "Unknown bearer token: not the admin token, a management key or a deployment token.");
}

async function managementKeyCaller(ctx: ServerContext, token: string): Promise<Caller> {
  const row = await ctx.store.db
    .selectFrom("management_keys")
    .select(["id", "tenant_id", "revoked_at"])
    .where("key_hash", "=", hashKey(token))
    .executeTakeFirst();
  if (!row) throw controlError("unknown_credentials", "Unknown management key.");
  if (row.revoked_at !== null) throw controlError("unknown_credentials", "This management key was revoked.");
  return { kind: "tenant", tenantId: row.tenant_id };
}

async function deploymentCaller(ctx: ServerContext, token: string): Promise<Caller> {
  const row = await ctx.store.db
    .selectFrom("deployments")
    .select(["id", "tenant_id"])
    .where("token_hash", "=", hashKey(token))
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) throw controlError("unknown_credentials", "Unknown or rotated deployment token.");
  return { kind: "deployment", tenantId: row.tenant_id, deploymentId: row.id };
}

/** Constant-time equality of two secrets of any length (compares their SHA-256 digests). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
