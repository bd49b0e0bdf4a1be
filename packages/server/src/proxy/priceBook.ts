// The price book of a per-token integration, synced from the upstream's `/models` and cached.
// Hold sizes come from it, and so does the charge when an upstream reports no cost.
import type { Integration } from "@vendo/integrations";
import { parseModelPrice, type ModelPrice } from "../ledger/pricing.js";
import { ProxyError } from "./errors.js";
import type { Upstream } from "./upstream.js";

const REFRESH_MS = 10 * 60_000;
const RETRY_MS = 5_000;

export interface PriceBook {
  /** The model's price (null when the model is unknown); throws PRICE_UNKNOWN if the book cannot load. */
  price(integration: Integration, model: string): Promise<ModelPrice | null>;
  /** The upstream's /models document as last fetched (for /v1/models). */
  models(integration: Integration): Promise<Array<Record<string, unknown>>>;
}

interface Book {
  prices: Map<string, ModelPrice>;
  models: Array<Record<string, unknown>>;
  fetchedAt: number;
}

export function createPriceBook(upstream: Upstream, upstreamUrl: (slug: string) => string): PriceBook {
  const books = new Map<string, Book>();
  const loading = new Map<string, Promise<Book>>();
  let failedAt = 0;

  async function fetchBook(integration: Integration): Promise<Book> {
    const response = await upstream.forward({
      integration,
      baseUrl: upstreamUrl(integration.slug),
      method: "GET",
      path: `${integration.proxy.basePath}/models`,
      headers: { accept: "application/json" },
      body: null,
      ownCredential: null,
      requestId: "price-book",
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`upstream /models answered ${response.statusCode}`);
    }
    const doc = (await response.body.json()) as { data?: Array<Record<string, unknown>> };
    const prices = new Map<string, ModelPrice>();
    for (const m of doc.data ?? []) {
      const top = m.top_provider as { max_completion_tokens?: unknown; context_length?: unknown } | undefined;
      const price = parseModelPrice((m.pricing ?? {}) as Record<string, unknown>, {
        maxCompletionTokens: top?.max_completion_tokens,
        contextLength: m.context_length ?? top?.context_length,
      });
      if (typeof m.id === "string" && price) prices.set(m.id, price);
    }
    return { prices, models: doc.data ?? [], fetchedAt: Date.now() };
  }

  async function book(integration: Integration): Promise<Book | null> {
    const current = books.get(integration.slug);
    const stale = !current || Date.now() - current.fetchedAt > REFRESH_MS;
    if (!stale) return current;
    if (!loading.has(integration.slug) && Date.now() - failedAt > (current ? RETRY_MS : 0)) {
      const p = fetchBook(integration)
        .then((b) => (books.set(integration.slug, b), b))
        .finally(() => loading.delete(integration.slug));
      p.catch(() => (failedAt = Date.now()));
      loading.set(integration.slug, p);
    }
    // A stale book keeps serving while the refresh runs; only a cold start waits for it.
    if (current) return current;
    return (await loading.get(integration.slug)?.catch(() => null)) ?? null;
  }

  return {
    async price(integration, model) {
      const b = await book(integration);
      if (!b) throw new ProxyError("PRICE_UNKNOWN");
      // OpenRouter variants (`:free`, `:nitro`…) are priced as listed; fall back to the base id.
      return b.prices.get(model) ?? b.prices.get(model.replace(/:[a-z-]+$/, "")) ?? null;
    },
    async models(integration) {
      return (await book(integration))?.models ?? [];
    },
  };
}
