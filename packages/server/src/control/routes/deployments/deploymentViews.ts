// Deployments and connections as the API shows them (no secrets: flags and prefixes only).
import type { z } from "zod";
import type { ServerContext } from "../../../context.js";
import type { ConnectionsTable, DeploymentsTable } from "../../../store/schema.js";
import type { connectionView, deploymentView as deploymentViewSchema } from "../../contract/deployments.js";
import { isoTime, isoTimeOrNull } from "../../time.js";

export type ConnectionView = z.output<typeof connectionView>;
export type DeploymentView = z.output<typeof deploymentViewSchema>;

export function connectionViewOf(row: ConnectionsTable, apiKeyPrefix: string): ConnectionView {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    deployment_id: row.deployment_id,
    integration: row.integration,
    profile: row.profile,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    has_credential: row.credential_enc !== null,
    api_key_id: row.api_key_id,
    api_key_prefix: apiKeyPrefix,
    created_at: isoTime(row.created_at),
    deleted_at: isoTimeOrNull(row.deleted_at),
  };
}

/** Live connections of the given deployments, with their keys' prefixes. */
export async function liveConnections(ctx: ServerContext, deploymentIds: readonly string[]): Promise<ConnectionView[]> {
  if (deploymentIds.length === 0) return [];
  const rows = await ctx.store.db
    .selectFrom("connections")
    .innerJoin("api_keys", "api_keys.id", "connections.api_key_id")
    .selectAll("connections")
    .select("api_keys.prefix as api_key_prefix")
    .where("connections.deployment_id", "in", deploymentIds)
    .where("connections.deleted_at", "is", null)
    .orderBy("connections.created_at")
    .execute();
  return rows.map(({ api_key_prefix, ...row }) => connectionViewOf(row, api_key_prefix));
}

export async function deploymentViews(ctx: ServerContext, rows: readonly DeploymentsTable[]): Promise<DeploymentView[]> {
  const connections = await liveConnections(
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    token_prefix: row.token_prefix,
    created_at: isoTime(row.created_at),
    deleted_at: isoTimeOrNull(row.deleted_at),
    connections: connections.filter((c) => c.deployment_id === row.id),
  }));
}

export async function deploymentView(ctx: ServerContext, row: DeploymentsTable): Promise<DeploymentView> {
  return (await deploymentViews(ctx, [row]))[0] as DeploymentView;
}
