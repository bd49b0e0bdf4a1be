// vendo start: the server (proxy + control API on one port) on SQLite, or PostgreSQL with
// DATABASE_URL. Its flags are the settings table's (config/settings.ts), validated with the env vars.
import type { Command } from "commander";
import type { ServerOptions } from "../../config.js";
import { settings, type SettingName } from "../../config/settings.js";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";
import { closeOnSignal } from "../shutdown.js";

/** A start-up failure the operator can fix: printed as its own one line, exit code 1. */
const ONE_LINE_ERRORS = new Set(["ConfigError", "StartupError", "RedisUnavailableError"]);

/** Starts the server, turning a bad setting, an unusable store, Redis or port into one clear line. */
export async function startServerOrFail(options: ServerOptions) {
  // Loaded here, not at the top: the server's modules take a while to load, and every other verb
  // (a control-API call) should not pay for them.
  const { startServer } = await import("../../app.js");
  try {
    return await startServer(options);
  } catch (err) {
    const e = err as Error;
    if (ONE_LINE_ERRORS.has(e.name)) throw new CliError(e.message);
    throw new CliError(`Cannot start the server: ${e.message.split("\n")[0]}`);
  }
}

/** Registers every setting that has a flag on `command`, plus the repeatable --upstream. */
export function addSettingFlags(command: Command, only?: readonly SettingName[]): Command {
  for (const [name, spec] of Object.entries(settings) as Array<[SettingName, (typeof settings)[SettingName]]>) {
    if (!("flag" in spec) || (only && !only.includes(name))) continue;
    command.option(spec.flag, `${spec.doc} ($${spec.env})`);
  }
  if (!only) {
    command.option("--upstream <slug=url>", "upstream base URL of an integration, e.g. openrouter=http://127.0.0.1:8787/api (repeatable; $VENDO_UPSTREAM_<SLUG>_URL)", (v: string, all: string[] = []) => [...all, v]);
  }
  return command;
}

/** The flags commander parsed, as the text the settings table validates. */
export function settingFlags(opts: Record<string, unknown>): NonNullable<ServerOptions["flags"]> {
  const flags: Record<string, unknown> = {};
  for (const name of Object.keys(settings)) if (typeof opts[name] === "string") flags[name] = opts[name];
  if (Array.isArray(opts.upstream)) flags.upstream = opts.upstream;
  return flags as NonNullable<ServerOptions["flags"]>;
}

export function registerStart(program: Command, cli: CliContext): void {
  addSettingFlags(
    program
      .command("start")
      .description("Start Vendo: the proxy and the control API on one port. DATABASE_URL selects PostgreSQL; else SQLite under --data-dir. Every setting: docs/configuration.md."),
  ).action(async (opts: Record<string, unknown>) => {
    const server = await startServerOrFail({ flags: settingFlags(opts), env: cli.env });
    cli.out.line(`Vendo listening on ${server.url} (store: ${server.store.location}${server.adminUrl ? `, admin: ${server.adminUrl}` : ""})`);
    if (!server.ctx.config.adminToken) cli.out.line("VENDO_ADMIN_TOKEN is not set: operator routes of the control API refuse every caller.");
    closeOnSignal(() => server.close(), (line) => cli.out.line(line));
  });
}
