// Runs the real `vendo` binary (bin/vendo.mjs through tsx) as a child process, from the repo root.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../../../", import.meta.url));
export const vendoBin = fileURLToPath(new URL("../../../bin/vendo.mjs", import.meta.url));

export interface VendoResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Env for the CLI: only what a user would have, plus the given variables. */
export function cliEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" };
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) env[k] = v;
  return env;
}

export function runVendo(args: readonly string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<VendoResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [vendoBin, ...args], { env, cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `vendo` without waiting: for tests that signal it. `result` resolves when it exits. */
export function spawnVendo(args: readonly string[], env: NodeJS.ProcessEnv, cwd = repoRoot): { child: ChildProcess; result: Promise<VendoResult> } {
  const child = spawn(process.execPath, [vendoBin, ...args], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const result = new Promise<VendoResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : 1), stdout, stderr }));
  });
  return { child, result };
}
