// Anthropic's models as the sandbox serves them, with Anthropic's list prices (USD per token,
// https://platform.claude.com/docs/en/about-claude/pricing, 2026-11): base input, output, cache
// reads (0.1×), cache writes for 5 minutes (1.25×) and for 1 hour (2×). The sandbox's own table,
// independent of the catalog's.

import type { SandboxModel } from "../../models.ts";

const anthropic = { provider: "Anthropic", kind: "chat", nativeStop: "end_turn", nativeLength: "max_tokens", nativeToolCall: "tool_use" } as const;

export const anthropicModels: readonly SandboxModel[] = [
  { id: "claude-sonnet-5-5", name: "Claude Sonnet 5.5", ...anthropic, contextLength: 1_000_000, maxCompletionTokens: 128_000,
    pricing: { prompt: "0.000002", completion: "0.00001", input_cache_read: "0.0000002", input_cache_write: "0.0000025", input_cache_write_long: "0.000004" } },
  { id: "claude-haiku-4-5", name: "Claude Haiku 4.5", ...anthropic, contextLength: 200_000, maxCompletionTokens: 64_000,
    pricing: { prompt: "0.000001", completion: "0.000005", input_cache_read: "0.0000001", input_cache_write: "0.00000125", input_cache_write_long: "0.000002" } },
  { id: "claude-opus-4-5", name: "Claude Opus 4.5", ...anthropic, contextLength: 200_000, maxCompletionTokens: 64_000,
    pricing: { prompt: "0.000005", completion: "0.000025", input_cache_read: "0.0000005", input_cache_write: "0.00000625", input_cache_write_long: "0.00001" } },
];

/** Models that refuse a forced tool choice (`any` or a named tool): Claude Sonnet 5.5 does. */
export const noForcedToolUse: ReadonlySet<string> = new Set(["claude-sonnet-5-5"]);

/** Dated snapshot ids the API accepts for the same models. */
const snapshots: Readonly<Record<string, string>> = {
  "claude-haiku-4-5-20251001": "claude-haiku-4-5",
  "claude-opus-4-5-20251101": "claude-opus-4-5",
};

const byId = new Map(anthropicModels.map((m) => [m.id, m]));

export function findAnthropicModel(id: string): SandboxModel | undefined {
  return byId.get(snapshots[id] ?? id);
}

/** `GET /v1/models`: Anthropic's list shape. */
export const anthropicModelsBody: string = JSON.stringify({
  data: anthropicModels.map((m) => ({ type: "model", id: m.id, display_name: m.name, created_at: "2025-01-01T00:00:00Z" })),
  has_more: false,
  first_id: anthropicModels[0]?.id ?? null,
  last_id: anthropicModels.at(-1)?.id ?? null,
});
