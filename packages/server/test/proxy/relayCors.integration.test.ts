// The proxy's CORS policy is its own: an upstream that answers `Access-Control-Allow-Origin: *`
// (OpenRouter does, for browser apps) must not open a key to every web page. relay drops the
// upstream's CORS headers and keeps what cors.ts set. Real HTTP on both sides of relay.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Pool, request } from "undici";
import { chatCompletionJsonMeter } from "@vendo/integrations/adapters";
import { relay } from "../../src/proxy/relay.js";

const listen = (server: Server) => new Promise<string>((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

describe("relay and the upstream's CORS headers", () => {
  let upstream: Server;
  let proxy: Server;
  let pool: Pool;
  let proxyUrl = "";

  before(async () => {
    upstream = createServer((_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        "access-control-allow-origin": "*",
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "x-upstream-secret",
        "x-generation-id": "gen-1",
      });
      res.end(JSON.stringify({ id: "gen-1", usage: { prompt_tokens: 1, completion_tokens: 1, cost: 0.000001 } }));
    });
    pool = new Pool(await listen(upstream));
    proxy = createServer((req, res) => {
      // What cors.ts does for an allowed origin, before relay writes the head.
      if (req.headers.origin === "https://app.example.com") res.setHeader("access-control-allow-origin", "https://app.example.com");
      void pool.request({ method: "GET", path: "/" }).then((answer) =>
        relay({ ...answer, credential: { id: "c", secret: "s" } }, res, chatCompletionJsonMeter({ cost: true }), { requestId: "req-1", drainTimeoutMs: 1000, drainMaxBytes: 1 << 20, streaming: false }),
      );
    });
    proxyUrl = await listen(proxy);
  });
  after(async () => {
    proxy.close();
    upstream.close();
    await pool.close();
  });

  it("never passes the upstream's wildcard or credentials flag on", async () => {
    const res = await request(proxyUrl, { headers: { origin: "https://evil.example.net" } });
    await res.body.text();
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["access-control-allow-origin"], undefined);
    assert.equal(res.headers["access-control-allow-credentials"], undefined);
    assert.equal(res.headers["access-control-expose-headers"], undefined);
    assert.equal(res.headers["x-generation-id"], "gen-1", "other upstream headers still pass");
  });

  it("keeps the proxy's own answer for an allowed origin", async () => {
    const res = await request(proxyUrl, { headers: { origin: "https://app.example.com" } });
    await res.body.text();
    assert.equal(res.headers["access-control-allow-origin"], "https://app.example.com");
    assert.equal(res.headers["access-control-allow-credentials"], undefined);
  });
});
