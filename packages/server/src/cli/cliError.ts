// The one way a command fails: a message printed as one line, and an exit code. No stack traces.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}
