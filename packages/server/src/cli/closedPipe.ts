// `vendo ledger | head -1`: once the reader closes the pipe, a write to it fails with EPIPE,
// reported as an 'error' event on the stream that, left unhandled, kills the CLI with a stack
// trace. Handled here: the stream stays destroyed (later writes go nowhere, silently) and the
// command ends as shutdown.ts's outputClosed says.
import { outputClosed } from "./shutdown.js";

/** What a write to an output whose reader has gone fails with. */
const CLOSED_OUTPUT = new Set(["EPIPE", "ERR_STREAM_DESTROYED"]);

function isClosedOutput(err: unknown): boolean {
  return CLOSED_OUTPUT.has((err as NodeJS.ErrnoException)?.code ?? "");
}

/** Installs the handlers on stdout (the command ends quietly) and stderr (ignored). Other errors still throw. */
export function surviveClosedPipes(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): void {
  stdout.on("error", (err) => {
    if (!isClosedOutput(err)) throw err;
    outputClosed();
  });
  stderr.on("error", (err) => {
    if (!isClosedOutput(err)) throw err;
  });
}
