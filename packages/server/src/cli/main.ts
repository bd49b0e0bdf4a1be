// Entry of the `vendo` CLI (bin/vendo.mjs loads it through tsx). Failures print one line and
// exit non-zero; no stack traces, a closed output pipe included.
import { CommanderError } from "commander";
import { CliError } from "./cliError.js";
import { surviveClosedPipes } from "./closedPipe.js";
import { createCliContext } from "./context.js";
import { createOutput } from "./output.js";
import { buildProgram } from "./program.js";

surviveClosedPipes();
const out = createOutput();
const program = buildProgram(createCliContext(out, process.env));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode; // commander printed the help or its own one-line error
  } else if (err instanceof CliError) {
    out.error(err.message);
    process.exitCode = err.exitCode;
  } else {
    out.error((err as Error)?.message ?? String(err));
    process.exitCode = 1;
  }
}
