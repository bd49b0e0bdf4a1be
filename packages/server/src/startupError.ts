// Start-up failures other than a bad setting (ConfigError): the store or a port is unusable.
// One line, naming what to change; no stack trace, no password.
import type { ServerConfig } from "./config.js";

export class StartupError extends Error {
  override readonly name = "StartupError";

  static fromStore(err: Error, setting: string): StartupError {
    const cause = (err.cause ?? err) as NodeJS.ErrnoException;
    // pg reports an unreachable server as ECONNREFUSED/ENOTFOUND, a bad login with its own text.
    const reason = cause.code && /^E[A-Z]+$/.test(cause.code) ? cause.code : cause.message.split("\n")[0];
    return new StartupError(`${setting}: cannot open the store (${reason}).`);
  }

  static fromListen(err: NodeJS.ErrnoException, config: Pick<ServerConfig, "port" | "host" | "adminPort">): StartupError {
    if (err.code === "EADDRINUSE") return new StartupError(`PORT: ${config.host}:${(err as { port?: number }).port ?? config.port} is in use (pass --port N; 0 picks a free one).`);
    return new StartupError(`PORT/VENDO_HOST: cannot listen on ${config.host}:${config.port} (${err.code}).`);
  }
}
