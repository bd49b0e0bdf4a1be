// Child process: the sandbox, the upstream of every scenario. Each scenario gets its own upstream
// key, so a fault (stream length, pacing, hang) can be set on one scenario's traffic from the
// harness, the same way for every proxy. Its audit log is bounded; totals stay exact.
import { startSandbox } from "@vendo/sandbox";
import { childConfig, serveChild } from "./ipc.ts";

const config = childConfig<{ keys: string[] }>();
await serveChild(async () => {
  const sandbox = await startSandbox({ keys: config.keys, maxCalls: 10_000 });
  return {
    url: sandbox.url,
    close: () => sandbox.close(),
    handlers: {
      addKey: (key) => sandbox.addKey(key as string),
      setKeyFault: (args) => {
        const { key, fault } = args as { key: string; fault: string | null };
        sandbox.setKeyFault(key, fault);
      },
      /** What the sandbox billed one upstream key (nano-USD as a decimal string: IPC is JSON), and the calls still under way. */
      totals: (key) => {
        const t = sandbox.totals().byKey[key as string];
        return { inFlight: sandbox.inFlight(), served: t?.served ?? 0, rejected: t?.rejected ?? 0, costNanos: String(t?.costNanos ?? 0n) };
      },
    },
  };
});
