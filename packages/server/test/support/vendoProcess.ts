// A Vendo server as its own process: the real `vendo start` (bin/vendo.mjs), configured only by
// env vars, as an operator runs it. Resolves once it prints its listening line.
import { createInterface } from "node:readline";
import { spawnVendo, type VendoResult } from "../cli/support/runVendo.js";
import type { ChildProcess } from "node:child_process";

export interface VendoProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM, then the exit result. */
  stop(): Promise<VendoResult>;
}

/** Starts `vendo <args>` (the repo's bin, or `spawn` for another install of it) and waits for its URL. */
export async function startVendoProcess(
  env: NodeJS.ProcessEnv,
  args: readonly string[] = ["start"],
  spawn: (args: readonly string[], env: NodeJS.ProcessEnv) => { child: ChildProcess; result: Promise<VendoResult> } = spawnVendo,
): Promise<VendoProcess> {
  const { child, result } = spawn(args, env);
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      const m = /Vendo listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1] as string);
    });
    result.then((r) => reject(new Error(`vendo exited (${r.code}) before listening: ${r.stderr.trim()}`)), reject);
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return result;
    },
  };
}
