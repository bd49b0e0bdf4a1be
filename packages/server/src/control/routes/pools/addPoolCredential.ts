import { newId } from "../../../security/apiKeys.js";
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { requireIntegration } from "../keys/requireIntegration.js";
import { poolCredentialColumns, poolCredentialViewOf } from "./poolCredentialView.js";

/**
 * Adds an upstream credential to an integration's pool (sealed at rest). One secret is one pool
 * credential: the upstream reports usage per key, and reconciliation compares it with what the
 * books owe that credential (docs/money.md, invariant 5), so a key in the pool twice would have its
 * spend counted twice. The same secret again: 409 while it is enabled; re-enabled if it was disabled.
 */
export const addPoolCredential = defineRoute(endpoints.addPoolCredential, async ({ body, setStatus }, ctx) => {
  requireIntegration(ctx, body.integration, "body.integration");
  const db = ctx.store.db;
  const existing = await db.selectFrom("pool_credentials").select(["id", "secret_enc", "disabled_at"]).where("integration", "=", body.integration).execute();
  const same = existing.find((row) => {
    try {
      return ctx.secrets.open(row.secret_enc) === body.secret;
    } catch {
      return false; // sealed with a key this instance does not hold: it cannot be compared here
    }
  });
  if (same && same.disabled_at === null) {
    throw controlError("credential_exists", `This secret is already in the ${body.integration} pool as ${same.id}; a key is added once.`);
  }
  if (same) {
    await db.updateTable("pool_credentials").set({ disabled_at: null }).where("id", "=", same.id).execute();
    setStatus(200);
    return poolCredentialViewOf(await db.selectFrom("pool_credentials").select(poolCredentialColumns).where("id", "=", same.id).executeTakeFirstOrThrow());
  }
  const id = newId("pc");
  const row = {
    id,
    integration: body.integration,
    label: body.label ?? id,
    secret_enc: ctx.secrets.seal(body.secret),
    last4: body.secret.slice(-4),
    created_at: BigInt(Date.now()),
    disabled_at: null,
  };
  await db.insertInto("pool_credentials").values(row).execute();
  return poolCredentialViewOf(row);
});
