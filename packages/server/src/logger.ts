// Structured JSON logs (pino). Credentials are redacted by path as a second line of defence;
// the first is that no code logs a header or a secret value at all.
import pino, { type Logger } from "pino";

export function createLogger(level: string, stream?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "vendo" },
      redact: {
        paths: ["req.headers.authorization", "headers.authorization", "*.authorization", "credential", "secret", "apiKey"],
        censor: "[redacted]",
      },
    },
    stream ?? process.stdout,
  );
}
