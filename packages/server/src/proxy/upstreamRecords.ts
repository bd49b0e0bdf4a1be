// The upstream's own records, as OpenRouter keeps them: one generation's cost and tokens
// (`GET /generation?id=`, for the reaper and for streams whose usage never came) and a credential's
// lifetime usage (`GET /key`, for reconciliation). Read with the credential that made the call.
import type { Integration } from "@vendo/integrations";
import { usdNumberToExact, usdNumberToNanos, type Nanos } from "../ledger/money.js";
import type { GenerationFacts } from "../ledger/reaper.js";
import type { CredentialPool } from "./credentialPool.js";
import { tokenCount } from "./meter.js";
import type { Upstream } from "./upstream.js";

export interface UpstreamRecordsDeps {
  upstream: Upstream;
  pool: CredentialPool;
  catalog: ReadonlyMap<string, Integration>;
  upstreamUrl(slug: string): string;
}

export function createUpstreamRecords(deps: UpstreamRecordsDeps) {
  function target(slug: string, credentialId: string) {
    const integration = deps.catalog.get(slug);
    const credential = deps.pool.find(slug, credentialId);
    return integration && credential ? { integration, credential } : null;
  }

  return {
    /** The upstream's record of a generation; null when it has none (or the credential is gone). */
    async lookupGeneration(hold: { integration: string; generationId: string; credentialId: string }): Promise<GenerationFacts | null> {
      const found = hold.credentialId === "byok" ? null : target(hold.integration, hold.credentialId);
      if (!found) return null;
      const path = `${found.integration.proxy.basePath}/generation?id=${encodeURIComponent(hold.generationId)}`;
      const { status, json } = await deps.upstream.getJson(found.integration, deps.upstreamUrl(hold.integration), path, found.credential);
      const data = (json as { data?: Record<string, unknown> } | null)?.data;
      if (status === 404) return null;
      if (status !== 200 || !data || typeof data.total_cost !== "number") throw new Error(`upstream generation lookup answered ${status}`);
      const cost = usdNumberToExact(data.total_cost);
      if (cost === null) throw new Error("upstream generation record has no valid total_cost");
      return {
        cost,
        promptTokens: tokenCount(data.tokens_prompt),
        completionTokens: tokenCount(data.tokens_completion),
        cancelled: data.cancelled === true,
        streamed: data.streamed === true,
      };
    },

    /** The upstream's lifetime usage for one pool credential (nano-USD); throws when it cannot tell. */
    async readUsage(credential: { id: string; integration: string }): Promise<Nanos> {
      const found = target(credential.integration, credential.id);
      if (!found) throw new Error(`pool credential ${credential.id} is not loaded`);
      const { status, json } = await deps.upstream.getJson(found.integration, deps.upstreamUrl(credential.integration), `${found.integration.proxy.basePath}/key`, found.credential);
      const usage = (json as { data?: { usage?: unknown } } | null)?.data?.usage;
      const nanos = status === 200 && typeof usage === "number" ? usdNumberToNanos(usage) : null;
      if (nanos === null) throw new Error(`upstream /key answered ${status} without a usage figure`);
      return nanos;
    },
  };
}

export type UpstreamRecords = ReturnType<typeof createUpstreamRecords>;
