// Graceful shutdown of a long-running command: on SIGINT/SIGTERM, or when its output pipe closes
// (`vendo dev | head -5`), run the closers once, then exit. A second signal exits at once.

let onOutputClosed: (() => void) | null = null;

export function closeOnSignal(close: () => Promise<void>, log: (line: string) => void): void {
  let closing = false;
  const shutDown = (announce: string | null): boolean => {
    if (closing) return false;
    closing = true;
    if (announce !== null) log(announce);
    close().then(
      () => process.exit(0),
      (err: Error) => {
        log(`shutdown failed: ${err.message}`);
        process.exit(1);
      },
    );
    return true;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!shutDown(`\n${signal}: shutting down…`)) process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Nobody reads the output any more: shut down as on SIGTERM, without a line to print.
  onOutputClosed = () => void shutDown(null);
}

/** For a command that handles its own signals: `close` runs (once) when the output pipe closes, then exit 0. */
export function closeWhenOutputCloses(close: () => Promise<void>): void {
  onOutputClosed = () => {
    onOutputClosed = null;
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
}

/**
 * Stdout's reader went away. A long-running command (one that called closeOnSignal) shuts down
 * gracefully and exits 0; any other finishes on its own, its further output going nowhere, and
 * exits with its own code.
 */
export function outputClosed(): void {
  onOutputClosed?.();
}
