// A call to a path the catalog forwards unmetered (`metered: false`: a model list, a token count
// the upstream does not bill): authenticated like any call, sent with a pool credential (or the
// tenant's own), relayed untouched; no hold, no charge, no call record.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Integration } from "@vendo/integrations";
import { ProxyError } from "./errors.js";
import type { KeyRecord } from "./keyCache.js";
import { readBody } from "./readRequest.js";
import { relay, relayError } from "./relay.js";
import { UpstreamOutcomeUnknown, type Upstream } from "./upstream.js";

export interface PassThroughDeps {
  upstream: Upstream;
  upstreamUrl(slug: string): string;
  instanceLimits: { maxBodyBytes: number; drainTimeoutMs: number; drainMaxBytes: number };
}

const NO_METER = { push() {}, generationId: () => null, finish: () => { throw new Error("an unmetered call is not metered"); } };

export async function passThrough(
  deps: PassThroughDeps,
  req: IncomingMessage,
  res: ServerResponse,
  call: { integration: Integration; path: string; query: string; key: KeyRecord; requestId: string },
): Promise<void> {
  const body = await readBody(req, deps.instanceLimits.maxBodyBytes);
  const headers: Record<string, string> = {};
  const type = req.headers["content-type"];
  if (body.length > 0) headers["content-type"] = typeof type === "string" ? type : "application/json";
  if (req.headers.accept) headers.accept = req.headers.accept;
  for (const name of call.integration.upstream.passHeaders) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  let upstream;
  try {
    upstream = await deps.upstream.forward({
      integration: call.integration,
      baseUrl: deps.upstreamUrl(call.integration.slug),
      method: req.method === "GET" ? "GET" : "POST",
      path: call.query ? `${call.path}?${call.query}` : call.path,
      headers,
      body: body.length > 0 ? body : null,
      ownCredential: call.key.ownCredential,
      requestId: call.requestId,
      clientGone: () => req.socket.destroyed,
    });
  } catch (error) {
    if (error instanceof UpstreamOutcomeUnknown) throw new ProxyError("UPSTREAM_NO_ANSWER", "The upstream provider did not answer; nothing was charged.");
    throw error;
  }
  if (upstream.statusCode >= 400) return relayError(upstream, res, call.requestId);
  const streaming = String(upstream.headers["content-type"] ?? "").startsWith("text/event-stream");
  await relay(upstream, res, NO_METER, { requestId: call.requestId, streaming, drainTimeoutMs: 0, drainMaxBytes: 0 });
}
