// Adapter kind → adapter: the one place the proxy learns which code serves an integration
// (chosen by the catalog's `adapter` field, see packages/integrations/src/schema.ts).
import { adapterKind } from "../src/integration.js";
import type { AdapterKind, Integration } from "../src/schema.js";
import { anthropicAdapter } from "../catalog/anthropic/index.js";
import { openaiAdapter } from "../catalog/openai/index.js";
import { openrouterAdapter } from "../catalog/openrouter/index.js";
import { tavilyAdapter } from "../catalog/tavily/index.js";
import { perCallAdapter } from "./perCall.js";
import type { Adapter } from "./seam.js";

const adapters: Readonly<Record<AdapterKind, Adapter>> = {
  openrouter: openrouterAdapter,
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  tavily: tavilyAdapter,
  per_call: perCallAdapter,
};

/** The adapter of an integration (its catalog entry's, or the generic per-call one). */
export function adapterFor(integration: Integration): Adapter {
  return adapters[adapterKind(integration)];
}
