// The env vars a deployment gets at boot: resolveConnectionEnvVars for each live connection, with
// the deployment's key unsealed. Secret values are masked unless revealed.
import { resolveConnectionEnvVars } from "@vendo/integrations";
import type { z } from "zod";
import type { ServerContext } from "../../../context.js";
import type { ConnectionsTable } from "../../../store/schema.js";
import type { envVarView } from "../../contract/deployments.js";
import { controlError } from "../../errors.js";

export type EnvVarView = z.output<typeof envVarView>;

/** Shows enough to recognise a secret (vendo_sk_AbCd…), never more than a third of it. */
export function maskSecret(value: string): string {
  return value.slice(0, Math.min(13, Math.floor(value.length / 3))) + "…";
}

export function connectionEnv(ctx: ServerContext, row: ConnectionsTable, apiKey: string): EnvVarView[] {
  const integration = ctx.catalog.get(row.integration);
  if (!integration) throw controlError("internal", `Connection ${row.id} names integration "${row.integration}", which is not in the catalog.`);
  const vars = resolveConnectionEnvVars(
    integration,
    {
      profile: row.profile,
      credential: row.credential_enc === null ? null : ctx.secrets.open(row.credential_enc),
      metadata: JSON.parse(row.metadata) as Record<string, string>,
    },
    { proxyUrl: ctx.proxyUrl(row.integration), apiKey },
  );
  return vars.map((v) => ({ name: v.name, value: v.value, secret: v.secret, integration: row.integration }));
}

export async function deploymentEnv(ctx: ServerContext, deploymentId: string, reveal: boolean): Promise<EnvVarView[]> {
  const rows = await ctx.store.db
    .selectFrom("connections")
    .selectAll()
    .where("deployment_id", "=", deploymentId)
    .where("deleted_at", "is", null)
    .orderBy("integration")
    .execute();
  const vars = rows.flatMap((row) => connectionEnv(ctx, row, ctx.secrets.open(row.api_key_enc)));
  return reveal ? vars : vars.map((v) => (v.secret ? { ...v, value: maskSecret(v.value) } : v));
}
