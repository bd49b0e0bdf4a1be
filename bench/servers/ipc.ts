// The child side of bench/child.ts: report "ready" with the URL, answer rpc calls, stop on request.

export interface ChildApp {
  url: string;
  close(): Promise<void>;
  handlers?: Record<string, (args: unknown) => unknown>;
}

interface ParentMessage {
  type: string;
  id?: number;
  args?: unknown;
}

export function childConfig<T>(): T {
  const raw = process.env.BENCH_CHILD;
  if (!raw) throw new Error("BENCH_CHILD is not set: this file is started by the bench harness");
  return JSON.parse(raw) as T;
}

export async function serveChild(start: () => Promise<ChildApp>): Promise<void> {
  const app = await start();
  const handlers: Record<string, (args: unknown) => unknown> = {
    rss: () => process.memoryUsage().rss,
    memory: () => process.memoryUsage(),
    gc: () => (globalThis as { gc?: () => void }).gc?.(),
    ...app.handlers,
  };
  process.on("message", (message: ParentMessage) => {
    if (message.type === "stop") {
      void app.close().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[message.type];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown rpc ${message.type}`);
        return handler(message.args);
      })
      .then(
        (result) => process.send?.({ type: "reply", id: message.id, result }),
        (error: unknown) => process.send?.({ type: "reply", id: message.id, error: String((error as Error)?.stack ?? error) }),
      );
  });
  // The parent went away (crash, Ctrl-C): do not linger.
  process.on("disconnect", () => process.exit(0));
  process.send?.({ type: "ready", url: app.url });
}
