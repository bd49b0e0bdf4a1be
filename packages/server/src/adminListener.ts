// The admin listener (VENDO_ADMIN_PORT): /metrics, /healthz, /readyz and the OpenAPI document
// without a token, on a port the operator keeps off the public network. It closes last on
// shutdown, so probes read /readyz's 503 while calls drain.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerContext } from "./context.js";
import { readiness } from "./control/readiness.js";
import { metricsRegistry } from "./metrics.js";

export interface AdminListener {
  url: string;
  close(): Promise<void>;
}

export async function startAdminListener(ctx: ServerContext, port: number, host: string, openapi: unknown): Promise<AdminListener> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: string, type = "application/json") => {
      res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") return send(405, JSON.stringify({ error: { code: 405, message: "Only GET." } }));
    if (path === "/healthz") return send(200, JSON.stringify({ status: "ok" }));
    if (path === "/api/v1/openapi.json") return send(200, JSON.stringify(openapi));
    if (path === "/readyz") {
      void readiness(ctx).then((state) =>
        state.ready ? send(200, JSON.stringify({ status: "ready", store: ctx.store.dialect })) : send(503, JSON.stringify({ error: { code: 503, message: state.reason } })),
      );
      return;
    }
    if (path === "/metrics") {
      void metricsRegistry.metrics().then(
        (text) => send(200, text, metricsRegistry.contentType),
        (err: Error) => send(500, JSON.stringify({ error: { code: 500, message: err.message } })),
      );
      return;
    }
    send(404, JSON.stringify({ error: { code: 404, message: `No route GET ${path} on the admin listener.` } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
