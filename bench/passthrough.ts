// The reference proxy: node:http in, an undici Pool out, no auth, no metering. It forwards
// /proxy/openrouter/* to <upstream>/api/* with the upstream credential and streams the answer back
// as it arrives: the practical ceiling of a Node proxy on this machine, which Vendo is compared to.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";

const PREFIX = "/proxy/openrouter/";
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "host", "upgrade", "proxy-connection"]);

export interface Passthrough {
  url: string;
  close(): Promise<void>;
}

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

export async function startPassthrough(opts: { upstream: string; upstreamKey: string; port?: number; host?: string }): Promise<Passthrough> {
  const pool = new Pool(opts.upstream, { keepAliveTimeout: 60_000 });
  const authorization = `Bearer ${opts.upstreamKey}`;
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const url = req.url ?? "/";
    if (!url.startsWith(PREFIX)) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":404,"message":"Not Found"}}');
      return;
    }
    const headers = forwardable(req.headers);
    headers.authorization = authorization;
    pool.stream(
      { path: `/api/${url.slice(PREFIX.length)}`, method: req.method as "POST", headers, body: req },
      ({ statusCode, headers: upstreamHeaders }) => res.writeHead(statusCode, forwardable(upstreamHeaders)),
      (err) => {
        if (!err) return;
        if (res.headersSent) res.destroy(err);
        else res.writeHead(502, { "content-type": "application/json" }).end('{"error":{"code":502,"message":"Upstream unavailable"}}');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.destroy();
    },
  };
}
