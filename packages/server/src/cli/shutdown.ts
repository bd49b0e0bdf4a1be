// Graceful shutdown of a long-running command: on SIGINT/SIGTERM, run the closers once, then exit.
// A second signal exits at once.
export function closeOnSignal(close: () => Promise<void>, log: (line: string) => void): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(130);
    closing = true;
    log(`\n${signal}: shutting down…`);
    close().then(
      () => process.exit(0),
      (err: Error) => {
        log(`shutdown failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}
