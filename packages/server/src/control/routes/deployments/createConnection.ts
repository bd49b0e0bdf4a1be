// Connects an integration to a deployment: mints the deployment's vendo_sk_ key for it (hash in
// api_keys for lookups, sealed on the connection so boot injection can recover it), stores a BYO
// credential sealed, and returns the key once with the env it injects.
import { CatalogError, defaultProfile, type Integration } from "@vendo/integrations";
import { newId } from "../../../security/apiKeys.js";
import { isUniqueViolation } from "../../../store/uniqueViolation.js";
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { insertApiKey } from "../keys/insertApiKey.js";
import { requireIntegration } from "../keys/requireIntegration.js";
import { connectionEnv } from "./deploymentEnv.js";
import { connectionViewOf } from "./deploymentViews.js";
import { findDeployment } from "./findDeployment.js";

export const createConnection = defineRoute(endpoints.createConnection, async ({ params, body, caller }, ctx) => {
  const deployment = await findDeployment(ctx, caller, params.id);
  const integration = requireIntegration(ctx, body.integration, "body.integration");
  const profile = chooseProfile(integration, body.profile, body.credential);
  const exists = () => controlError("connection_exists", `Deployment ${deployment.id} is already connected to ${integration.slug}; delete that connection first.`);

  const live = await ctx.store.db
    .selectFrom("connections")
    .select("id")
    .where("deployment_id", "=", deployment.id)
    .where("integration", "=", integration.slug)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (live) throw exists();

  try {
    return await ctx.store.db.transaction().execute(async (tx) => {
      const { row: key, plaintext } = await insertApiKey(tx, {
        tenantId: deployment.tenant_id,
        integration: integration.slug,
        deploymentId: deployment.id,
        name: `${deployment.name} / ${integration.slug}`,
      });
      const connection = {
        id: newId("con"),
        tenant_id: deployment.tenant_id,
        deployment_id: deployment.id,
        integration: integration.slug,
        profile,
        credential_enc: body.credential === undefined ? null : ctx.secrets.seal(body.credential),
        metadata: JSON.stringify(body.metadata ?? {}),
        api_key_id: key.id,
        api_key_enc: ctx.secrets.seal(plaintext),
        created_at: BigInt(Date.now()),
        deleted_at: null,
      };
      await tx.insertInto("connections").values(connection).execute();
      // Resolving the env now refuses a connection that could not boot (e.g. missing metadata); the throw rolls back.
      const env = connectionEnv(ctx, connection, plaintext);
      return { connection: connectionViewOf(connection, key.prefix), api_key: plaintext, env };
    });
  } catch (err) {
    if (err instanceof CatalogError) throw controlError("invalid_request", `Invalid body.metadata: ${err.message}`);
    if (isUniqueViolation(err)) throw exists();
    throw err;
  }
});

function chooseProfile(integration: Integration, requested: string | undefined, credential: string | undefined): string {
  const profile = requested === undefined ? defaultProfile(integration) : integration.profiles.find((p) => p.id === requested);
  if (!profile) {
    throw controlError(
      "invalid_request",
      `Invalid body.profile: "${requested}" is not a profile of ${integration.slug} (one of ${integration.profiles.map((p) => p.id).join(", ")}).`,
    );
  }
  if (profile.credential === "tenant" && credential === undefined) {
    throw controlError("invalid_request", `Invalid body.credential: required for profile ${profile.id} (the tenant's own ${integration.name} key).`);
  }
  if (profile.credential !== "tenant" && credential !== undefined) {
    throw controlError("invalid_request", `Invalid body.credential: profile ${profile.id} uses Vendo's credential and takes none.`);
  }
  return profile.id;
}
