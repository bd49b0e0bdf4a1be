// calls rows as the dashboard shows them: money as exact USD strings, times as ISO strings.
import type { z } from "zod";
import { formatUsd } from "../../ledger/money.js";
import { isoTime } from "../../control/time.js";
import type { CallsTable } from "../../store/schema.js";
import type { callView } from "../contract.js";

export function callViewOf(row: CallsTable): z.input<typeof callView> {
  return {
    request_id: row.request_id,
    key_id: row.key_id,
    deployment_id: row.deployment_id,
    integration: row.integration,
    path: row.path,
    model: row.model,
    generation_id: row.generation_id,
    prompt_tokens: Number(row.prompt_tokens),
    completion_tokens: Number(row.completion_tokens),
    upstream_cost: formatUsd(row.upstream_cost),
    charge: formatUsd(row.charge),
    estimated: row.estimated === 1n,
    streamed: row.streamed === 1n,
    status: row.status,
    http_status: Number(row.http_status),
    latency_ms: Number(row.latency_ms),
    created_at: isoTime(row.created_at),
  };
}
