// Runs a command without blocking the event loop (the Vendo server the tests talk to lives in
// this process), collecting its output.
import { spawn } from "node:child_process";

export interface Exit {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export function exec(argv: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number }): Promise<Exit> {
  const [file, ...args] = argv;
  if (!file) throw new Error("exec: empty argv");
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${options.timeoutMs} ms)`;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.once("error", (err) => (clearTimeout(timer), reject(err)));
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: performance.now() - started });
    });
  });
}
