// Development against the sandbox (`vendo dev`): what a developer sends the sandbox to rehearse a
// failure reaches it through the proxy. Its request headers join the integration's forwarded
// headers, and a `model~directive` is priced (held) as its base model, as the sandbox bills it.
// Nothing changes unless the server was told its upstreams are the sandbox (config.sandboxUpstream,
// only for the integrations whose upstream is overridden, each checked to be on loopback): the
// proxy itself has no sandbox branch, it is handed a catalog and a price book that say so.
import type { Integration } from "@vendo/integrations";
import type { ServerConfig } from "../config.js";
import type { PriceBook } from "./priceBook.js";

export interface UpstreamExtensions {
  /** The catalog the proxy routes with: sandboxed integrations also forward the sandbox's headers. */
  catalog: ReadonlyMap<string, Integration>;
  /** The price book to hold with: sandboxed integrations price `model~…` as `model`. */
  priceBook(book: PriceBook): PriceBook;
}

export async function upstreamExtensions(catalog: ReadonlyMap<string, Integration>, config: Pick<ServerConfig, "sandboxUpstream" | "upstreams">): Promise<UpstreamExtensions> {
  const sandboxed = new Set(config.sandboxUpstream ? Object.keys(config.upstreams).filter((slug) => catalog.has(slug)) : []);
  if (sandboxed.size === 0) return { catalog, priceBook: (book) => book };
  // Loaded only here: a production server never loads the sandbox.
  const { SANDBOX_REQUEST_HEADERS, modelWithoutFault } = await import("@vendo/sandbox");
  const extended = new Map(catalog);
  for (const slug of sandboxed) {
    const integration = catalog.get(slug) as Integration;
    const passHeaders = [...new Set([...integration.upstream.passHeaders, ...SANDBOX_REQUEST_HEADERS])];
    extended.set(slug, { ...integration, upstream: { ...integration.upstream, passHeaders } });
  }
  return {
    catalog: extended,
    priceBook: (book) => ({
      price: (integration, model) => book.price(integration, sandboxed.has(integration.slug) ? modelWithoutFault(model) : model),
      models: (integration) => book.models(integration),
    }),
  };
}
