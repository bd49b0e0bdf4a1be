// A configuration that cannot run: the message is one line that names the variable (or flag) and
// what is wrong with it, never its value when the value is a secret. The CLI prints it and exits 1.
export class ConfigError extends Error {
  constructor(
    message: string,
    /** The env var (or flag) at fault. */
    readonly setting: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}
