// `vendo sandbox --port N [--host H] [--keys k1,k2] [--limit USD] [--rpm N]`: argument parsing
// and a runner the CLI verb calls. The runner prints where it listens and closes on SIGINT/SIGTERM.

import { DEFAULT_SANDBOX_KEY, type SandboxKeyConfig } from "./keys.ts";
import { startSandbox, type Sandbox, type SandboxOptions } from "./server.ts";

export const SANDBOX_USAGE = `Usage: vendo sandbox [--port N] [--host H] [--keys k1,k2] [--limit USD] [--rpm N]

Starts the sandbox upstream: OpenRouter (base URL <url>/api/v1), OpenAI (<url>/openai/v1),
Anthropic (<url>/anthropic) and Tavily (<url>/tavily), one audit log for all.
  --port N      port to listen on (default 0: any free port)
  --host H      interface to bind (default 127.0.0.1)
  --keys LIST   comma-separated upstream keys to accept (default ${DEFAULT_SANDBOX_KEY})
  --limit USD   credit limit of every key, exact decimal (default none)
  --rpm N       requests per minute of every key (default unlimited)`;

export class SandboxArgsError extends Error {
  readonly code = "sandbox_args";
}

function value(argv: readonly string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new SandboxArgsError(`${flag} needs a value`);
  return v;
}

function integer(text: string, flag: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > 65_535 * 1000) throw new SandboxArgsError(`${flag} expects an integer >= ${min}, got "${text}"`);
  return Number(text);
}

/** Parses CLI arguments (without the verb). Throws SandboxArgsError; `help` is set for -h/--help. */
export function parseSandboxArgs(argv: readonly string[]): SandboxOptions & { help?: boolean } {
  const opts: SandboxOptions & { help?: boolean } = {};
  let keyNames: string[] | undefined;
  let limitUsd: string | undefined;
  let rpm: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const [flag, inline] = arg.startsWith("--") && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const next = () => (inline !== undefined ? inline : value(argv, i++, flag));
    switch (flag) {
      case "-h":
      case "--help": opts.help = true; break;
      case "--port": opts.port = integer(next(), flag, 0); break;
      case "--host": opts.host = next(); break;
      case "--keys": keyNames = next().split(",").map((k) => k.trim()).filter(Boolean); break;
      case "--limit": limitUsd = next(); break;
      case "--rpm": rpm = integer(next(), flag, 1); break;
      default: throw new SandboxArgsError(`unknown argument "${arg}"`);
    }
  }
  if (opts.port !== undefined && opts.port > 65_535) throw new SandboxArgsError(`--port out of range: ${opts.port}`);
  if (keyNames?.length === 0) throw new SandboxArgsError("--keys needs at least one key");
  if (keyNames || limitUsd !== undefined || rpm !== undefined) {
    opts.keys = (keyNames ?? [DEFAULT_SANDBOX_KEY]).map((key): SandboxKeyConfig => ({
      key,
      ...(limitUsd !== undefined ? { limitUsd } : {}),
      ...(rpm !== undefined ? { rpm } : {}),
    }));
  }
  return opts;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const stdio: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * Runs `vendo sandbox`: starts the sandbox, prints its URLs and keys, closes on SIGINT/SIGTERM.
 * Resolves with the running sandbox (undefined after --help); rejects on bad arguments.
 */
export async function runSandboxCli(argv: readonly string[], io: CliIo = stdio): Promise<Sandbox | undefined> {
  const opts = parseSandboxArgs(argv);
  if (opts.help) {
    io.out(SANDBOX_USAGE);
    return undefined;
  }
  const sandbox = await startSandbox(opts);
  const keys = (opts.keys ?? [DEFAULT_SANDBOX_KEY]).map((k) => (typeof k === "string" ? k : k.key));
  io.out(`Vendo sandbox listening on ${sandbox.url}`);
  io.out(`  base URL: ${sandbox.baseUrl}`);
  for (const [slug, url] of Object.entries(sandbox.upstreamUrls)) if (slug !== "openrouter") io.out(`  ${`${slug}:`.padEnd(10)}${url}`);
  io.out(`  keys:     ${keys.join(", ")}`);
  io.out(`  audit:    ${sandbox.url}/__sandbox/calls`);
  const stop = () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    void sandbox.close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return sandbox;
}
