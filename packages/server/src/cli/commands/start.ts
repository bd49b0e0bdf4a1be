// vendo start: the server (proxy + control API on one port) on SQLite, or PostgreSQL with DATABASE_URL.
import type { Command } from "commander";
import type { ServerOptions } from "../../config.js";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";
import { closeOnSignal } from "../shutdown.js";

export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65_535) throw new CliError(`--port expects 0-65535, got "${value}".`);
  return Number(value);
}

/** Starts the server, turning a busy port into one clear line. */
export async function startServerOrFail(options: ServerOptions) {
  // Loaded here, not at the top: the server's modules take about a second to load, and every
  // other verb (a control-API call) should not pay for them.
  const { startServer } = await import("../../app.js");
  try {
    return await startServer(options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") throw new CliError(`Port ${options.port ?? 8080} is in use: pass --port N (0 picks a free one).`);
    throw new CliError(`Cannot start the server: ${e.message}`);
  }
}

export function registerStart(program: Command, cli: CliContext): void {
  program
    .command("start")
    .description("Start Vendo: the proxy and the control API on one port. DATABASE_URL selects PostgreSQL; else SQLite under --data-dir.")
    .option("--port <n>", "port (default $PORT or 8080)", parsePort)
    .option("--host <host>", "interface (default $VENDO_HOST or 127.0.0.1)")
    .option("--proxy-domain <domain>", "serve proxies on <slug>-proxy.<domain> (default: /proxy/<slug> on this host)")
    .option("--public-url <url>", "this server's public URL, for VENDO_API_URL and proxy URLs")
    .option("--data-dir <dir>", "folder of the SQLite store and the generated secret key (default .vendo)")
    .action(async (opts: { port?: number; host?: string; proxyDomain?: string; publicUrl?: string; dataDir?: string }) => {
      const server = await startServerOrFail({
        ...(opts.port !== undefined && { port: opts.port }),
        ...(opts.host !== undefined && { host: opts.host }),
        ...(opts.proxyDomain !== undefined && { proxyDomain: opts.proxyDomain }),
        ...(opts.publicUrl !== undefined && { publicUrl: opts.publicUrl }),
        ...(opts.dataDir !== undefined && { dataDir: opts.dataDir }),
      });
      cli.out.line(`Vendo listening on ${server.url} (store: ${server.store.location})`);
      if (!server.ctx.config.adminToken) cli.out.line("VENDO_ADMIN_TOKEN is not set: operator routes of the control API refuse every caller.");
      closeOnSignal(() => server.close(), (line) => cli.out.line(line));
    });
}
