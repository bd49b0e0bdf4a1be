// A Vendo server in a process of its own (fixtures/serve.mts), for tests that kill, stall or run
// several of them. Resolves with its URL once it listens; `started` resolves when its start-up
// work (reaping orphans, rebuilding call records) is done.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const serveScript = fileURLToPath(new URL("../fixtures/serve.mts", import.meta.url));

export interface ChildServer {
  child: ChildProcess;
  url: string;
  started: Promise<void>;
  /** stderr lines so far (the server logs warnings there). */
  stderr: string[];
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

export function startChildServer(options: object): Promise<ChildServer> {
  const child = spawn(process.execPath, ["--import", "tsx", serveScript, JSON.stringify(options)], { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let resolveStarted: () => void = () => undefined;
    const started = new Promise<void>((r) => (resolveStarted = r));
    lines.on("line", (line) => {
      if (line === "started") resolveStarted();
      else if (line.startsWith("http")) {
        resolve({
          child,
          url: line,
          started,
          stderr,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            await exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`server exited early (${code}): ${stderr.join("\n")}`)));
  });
}
