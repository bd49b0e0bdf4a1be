// Serves the dashboard's built page (packages/dashboard/dist, made by `npm install`'s prepare
// step) under /dashboard: hashed assets as immutable files, every other /dashboard path as the
// page itself (the page routes in the browser). The file list is read once at start-up, so a
// request can only ever name one of those files. `/` sends a browser to the dashboard.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ServerContext } from "../context.js";
import { controlError } from "../control/errors.js";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The page may load only its own script and styles and talk only to this origin. */
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

interface Built {
  page: Buffer;
  assets: Map<string, { body: Buffer; gzipped: Buffer; type: string }>;
}

/** Where the dashboard's build lives (the @vendo/dashboard workspace's dist/). */
export function dashboardDistDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve("@vendo/dashboard/package.json")), "dist");
}

function loadBuild(dir: string): Built | null {
  const page = join(dir, "index.html");
  if (!existsSync(page)) return null;
  const assets = new Map<string, { body: Buffer; gzipped: Buffer; type: string }>();
  const assetDir = join(dir, "assets");
  for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(assetDir, name));
    assets.set(name, { body, gzipped: gzipSync(body, { level: 9 }), type }); // once, at start-up
  }
  return { page: readFileSync(page), assets };
}

export function registerStaticFiles(app: FastifyInstance, ctx: ServerContext, distDir = dashboardDistDir()): void {
  const built = loadBuild(distDir);
  if (!built) ctx.logger.warn({ dir: distDir }, "the dashboard is not built: run `npm run build -w @vendo/dashboard` (npm install does it)");

  const sendPage = (reply: FastifyReply) => {
    if (!built) {
      return reply
        .code(503)
        .header("content-type", "text/plain; charset=utf-8")
        .send("The Vendo dashboard is not built: run `npm run build -w @vendo/dashboard` (npm install does it), then restart.\n");
    }
    return reply.headers(PAGE_HEADERS).send(built.page);
  };

  app.get("/", (_req, reply) => reply.redirect("/dashboard/", 302));
  app.get<{ Params: { file: string } }>("/dashboard/assets/:file", (req, reply) => {
    const asset = built?.assets.get(req.params.file);
    if (!asset) throw controlError("route_not_found", `No dashboard asset ${req.params.file}.`);
    const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    if (gzip) reply.header("content-encoding", "gzip");
    return reply
      .header("content-type", asset.type)
      .header("cache-control", "public, max-age=31536000, immutable")
      .header("vary", "accept-encoding")
      .header("x-content-type-options", "nosniff")
      .send(gzip ? asset.gzipped : asset.body);
  });
  // The router ignores trailing slashes: this is /dashboard and /dashboard/.
  app.get("/dashboard", (_req, reply) => sendPage(reply));
  app.get("/dashboard/*", (_req, reply) => sendPage(reply));
}
