// OpenRouter's own records, read with the credential that made the call: one generation's cost
// and tokens (`GET /generation?id=`, for the reaper and for streams whose usage never came) and a
// credential's lifetime usage (`GET /key`, for reconciliation).
import { costText, tokenCount } from "../../adapters/shared/usage.js";
import type { UpstreamRecords } from "../../adapters/seam.js";

export const records: UpstreamRecords = {
  async lookupGeneration(get, integration, generationId) {
    const { status, json } = await get(`${integration.proxy.basePath}/generation?id=${encodeURIComponent(generationId)}`);
    if (status === 404) return null;
    const data = (json as { data?: Record<string, unknown> } | null)?.data;
    const cost = costText(data?.total_cost);
    if (status !== 200 || !data || cost === null) throw new Error(`upstream generation lookup answered ${status} without a valid total_cost`);
    return {
      cost,
      promptTokens: tokenCount(data.tokens_prompt),
      completionTokens: tokenCount(data.tokens_completion),
      cancelled: data.cancelled === true,
      streamed: data.streamed === true,
    };
  },

  async readUsage(get, integration) {
    const { status, json } = await get(`${integration.proxy.basePath}/key`);
    const usage = costText((json as { data?: { usage?: unknown } } | null)?.data?.usage);
    if (status !== 200 || usage === null) throw new Error(`upstream /key answered ${status} without a usage figure`);
    return { usd: usage };
  },
};
