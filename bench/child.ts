// Every server under test runs in its own child process, so the load generator (this process)
// never shares an event loop with it. Two kinds: TypeScript entries under bench/servers/ that
// speak a tiny IPC protocol (ready / rpc / stop), and foreign programs (Portkey) that are only
// waited on until their port answers.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { join } from "node:path";

export const benchDir = new URL(".", import.meta.url).pathname;
export const repoRoot = join(benchDir, "..");

export interface ChildServer {
  readonly name: string;
  /** Origin, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resident set size of the child, in bytes (from /proc, else asked over IPC). */
  rss(): Promise<number>;
  /** Calls a handler of the child (TypeScript children only). */
  rpc<T>(type: string, args?: unknown): Promise<T>;
  /** Asks the child to close and exit (so a --cpu-prof profile is written); kills it after a timeout. */
  stop(timeoutMs?: number): Promise<void>;
  kill(): Promise<void>;
}

export interface ChildMessage {
  type: "ready" | "reply";
  url?: string;
  id?: number;
  result?: unknown;
  error?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

function readRss(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

interface SpawnOptions {
  name: string;
  logDir: string;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

/** Starts bench/servers/<entry>.ts with `config` (as JSON in BENCH_CHILD) and waits for "ready". */
export async function spawnTsChild(entry: string, config: unknown, opts: SpawnOptions): Promise<ChildServer> {
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const log = openSync(logFile, "a");
  // --expose-gc lets the memory figure collect garbage before reading the RSS; unused otherwise.
  const child = spawn(process.execPath, ["--expose-gc", ...(opts.nodeFlags ?? []), "--import", "tsx", join(benchDir, "servers", `${entry}.ts`)], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env, BENCH_CHILD: JSON.stringify(config) },
    stdio: ["ignore", log, log, "ipc"],
  });
  closeSync(log);
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${opts.name} did not start within ${opts.readyTimeoutMs ?? 60_000} ms\n${tail(logFile)}`)), opts.readyTimeoutMs ?? 60_000);
    child.on("message", (message: ChildMessage) => {
      if (message.type === "ready" && message.url) {
        clearTimeout(timer);
        resolve(message.url);
      } else if (message.type === "reply" && message.id !== undefined) {
        const p = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) p?.reject(new Error(`${opts.name}: ${message.error}`));
        else p?.resolve(message.result);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited (${code ?? signal}) before it was ready\n${tail(logFile)}`));
      for (const p of pending.values()) p.reject(new Error(`${opts.name} exited`));
      pending.clear();
    });
  });
  const server: ChildServer = {
    name: opts.name,
    url,
    pid: child.pid as number,
    logFile,
    rpc<T>(type: string, args?: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ type, id, args });
      });
    },
    async rss() {
      return readRss(child.pid as number) ?? server.rpc<number>("rss");
    },
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: "stop" });
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited(child);
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited(child);
    },
  };
  return server;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** Starts a foreign node program and waits until `port` accepts connections. */
export async function spawnNodeProgram(args: string[], port: number, opts: SpawnOptions): Promise<ChildServer> {
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...opts.env }, stdio: ["ignore", log, log] });
  closeSync(log);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${opts.name} exited before listening\n${tail(logFile)}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${opts.name} did not listen on ${port} in time\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGKILL");
    await exited(child);
  };
  return {
    name: opts.name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    logFile,
    rpc: () => Promise.reject(new Error(`${opts.name} has no IPC`)),
    async rss() {
      const rss = readRss(child.pid as number);
      if (rss === null) throw new Error(`cannot read the RSS of ${opts.name} (no /proc)`);
      return rss;
    },
    async stop(timeoutMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited(child);
      clearTimeout(timer);
    },
    kill,
  };
}
