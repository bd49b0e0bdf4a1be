// The upstream's own records, through the integration's adapter: one call's cost and tokens (for
// the reaper and for streams whose usage never came) and a credential's lifetime usage (for
// reconciliation). Read with the credential that made the call. An upstream that keeps no such
// record says so (its adapter has no reader): a lookup finds nothing, and a credential's usage is
// reported as unknown to reconciliation (null), which records it as such instead of pretending.
import type { Integration } from "@vendo/integrations";
import { adapterFor, type UpstreamGet } from "@vendo/integrations/adapters";
import { parseExactUsd, sumPrices, toNanos, type Nanos } from "../ledger/money.js";
import type { GenerationFacts } from "../ledger/reaper.js";
import type { CredentialPool } from "./credentialPool.js";
import type { Upstream } from "./upstream.js";

export interface UpstreamRecordsDeps {
  upstream: Upstream;
  pool: CredentialPool;
  catalog: ReadonlyMap<string, Integration>;
  upstreamUrl(slug: string): string;
}

export function createUpstreamRecords(deps: UpstreamRecordsDeps) {
  function target(slug: string, credentialId: string): { integration: Integration; get: UpstreamGet } | null {
    const integration = deps.catalog.get(slug);
    const credential = deps.pool.find(slug, credentialId);
    if (!integration || !credential) return null;
    return { integration, get: (path) => deps.upstream.getJson(integration, deps.upstreamUrl(slug), path, credential) };
  }

  return {
    /** The upstream's record of a generation; null when it has none, keeps none, or the credential is gone. */
    async lookupGeneration(hold: { integration: string; generationId: string; credentialId: string }): Promise<GenerationFacts | null> {
      const found = hold.credentialId === "byok" ? null : target(hold.integration, hold.credentialId);
      const lookup = found && adapterFor(found.integration).records.lookupGeneration;
      if (!found || !lookup) return null;
      const record = await lookup(found.get, found.integration, hold.generationId);
      if (!record) return null;
      const cost = parseExactUsd(record.cost);
      if (cost === null) throw new Error("upstream generation record has no valid cost");
      return { cost, promptTokens: record.promptTokens, completionTokens: record.completionTokens, cancelled: record.cancelled, streamed: record.streamed };
    },

    /**
     * The upstream's lifetime usage for one pool credential (nano-USD); null when the upstream keeps
     * no record of it Vendo can read (see the adapter's noUsageRecord). Throws when it cannot tell.
     */
    async readUsage(credential: { id: string; integration: string }): Promise<Nanos | null> {
      const found = target(credential.integration, credential.id);
      if (!found) throw new Error(`pool credential ${credential.id} is not loaded`);
      const read = adapterFor(found.integration).records.readUsage;
      if (!read) return null;
      const figure = await read(found.get, found.integration);
      if ("usd" in figure) {
        const usd = parseExactUsd(figure.usd);
        if (usd === null) throw new Error("upstream usage is not a USD amount");
        return toNanos(usd);
      }
      // Usage in the upstream's billing units, at the catalog's price per unit.
      const { metering } = found.integration;
      const unit = metering.kind === "per_call" ? parseExactUsd(metering.priceUsd) : null;
      if (unit === null || !Number.isSafeInteger(figure.units) || figure.units < 0) throw new Error("upstream usage in units with no unit price");
      return toNanos(sumPrices([{ count: BigInt(figure.units), price: unit }]));
    },

    /** Whether an integration's upstream keeps records of single calls the reaper can look up. */
    keepsGenerationRecords(slug: string): boolean {
      const integration = deps.catalog.get(slug);
      return integration ? adapterFor(integration).records.lookupGeneration !== undefined : false;
    },

    /** Why an integration's upstream keeps no usage record (null when it keeps one). */
    noUsageRecord(slug: string): string | null {
      const integration = deps.catalog.get(slug);
      if (!integration) return null;
      const { records } = adapterFor(integration);
      return records.readUsage ? null : (records.noUsageRecord ?? "the upstream keeps no usage record for a credential");
    },
  };
}

export type UpstreamRecords = ReturnType<typeof createUpstreamRecords>;
