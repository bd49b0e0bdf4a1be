// The price book of the per-token integrations: each model's prices and limits, from where the
// integration's adapter says (PriceSource): the catalog's own table, or the upstream's model list
// (fetched, cached, refreshed in the background). Hold sizes come from it, and so does the charge
// when an upstream reports no cost.
import { catalogPrices, type Integration, type PricedModel } from "@vendo/integrations";
import { adapterFor } from "@vendo/integrations/adapters";
import { parseModelPrice, type ModelPrice } from "../ledger/pricing.js";
import { ProxyError } from "./errors.js";
import type { Upstream } from "./upstream.js";

const REFRESH_MS = 10 * 60_000;
const RETRY_MS = 5_000;

export interface PriceBook {
  /** The model's price (null when the model is unknown); throws PRICE_UNKNOWN if the book cannot load. */
  price(integration: Integration, model: string): Promise<ModelPrice | null>;
  /** The upstream's model list as last fetched (for an emulated /models); empty for a catalog table. */
  models(integration: Integration): Promise<Array<Record<string, unknown>>>;
}

interface Book {
  prices: Map<string, ModelPrice>;
  models: Array<Record<string, unknown>>;
  fetchedAt: number;
}

function bookOf(priced: readonly PricedModel[], models: Array<Record<string, unknown>>, fetchedAt: number): Book {
  const prices = new Map<string, ModelPrice>();
  for (const m of priced) {
    const price = parseModelPrice(m.pricing, { maxCompletionTokens: m.maxCompletionTokens, contextLength: m.contextLength });
    if (!price) continue;
    for (const id of [m.id, ...m.aliases]) prices.set(id, price);
  }
  return { prices, models, fetchedAt };
}

export function createPriceBook(upstream: Upstream, upstreamUrl: (slug: string) => string): PriceBook {
  const books = new Map<string, Book>();
  const loading = new Map<string, Promise<Book>>();
  let failedAt = 0;

  async function fetchBook(integration: Integration): Promise<Book> {
    const source = adapterFor(integration).prices;
    if (source?.from !== "upstream") throw new Error(`${integration.slug} has no upstream price list`);
    const response = await upstream.forward({
      integration,
      baseUrl: upstreamUrl(integration.slug),
      method: "GET",
      path: `${integration.proxy.basePath}${source.path}`,
      headers: { accept: "application/json" },
      body: null,
      ownCredential: null,
      requestId: "price-book",
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`upstream ${source.path} answered ${response.statusCode}`);
    }
    const doc: unknown = await response.body.json();
    return bookOf(source.parse(doc), source.listing(doc), Date.now());
  }

  async function book(integration: Integration): Promise<Book | null> {
    const current = books.get(integration.slug);
    // A catalog table is read once: it changes only with the catalog.
    if (current && current.fetchedAt === Infinity) return current;
    const table = catalogPrices(integration);
    if (table) {
      const fromCatalog = bookOf(table, [], Infinity);
      books.set(integration.slug, fromCatalog);
      return fromCatalog;
    }
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
      const direct = b.prices.get(model);
      if (direct) return direct;
      for (const id of adapterFor(integration).priceAs?.(model) ?? []) {
        const price = b.prices.get(id);
        if (price) return price;
      }
      return null;
    },
    async models(integration) {
      return (await book(integration))?.models ?? [];
    },
  };
}
