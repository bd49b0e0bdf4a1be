// The Redis connection shared rate limits go through (REDIS_URL). Commands never queue while
// disconnected and never wait longer than the configured timeout: a call must not hang on Redis.
import { Redis } from "ioredis";

/** Redis could not be reached at start-up: one line, without the URL's password. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
}

/** host:port of a redis:// URL, safe to print. */
export function redisLocation(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || "6379"}`;
}

/** Connects and PINGs within `timeoutMs`, or throws RedisUnavailableError. */
export async function connectRedis(url: string, timeoutMs: number): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1000),
    // Keep reconnecting in the background after an outage (every 100 ms up to 2 s).
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
  });
  // Errors surface through the commands that fail; the event alone must not crash the process.
  let lastError: NodeJS.ErrnoException | null = null;
  redis.on("error", (err: NodeJS.ErrnoException) => (lastError = err));
  const deadline = Math.max(timeoutMs, 1000) * 2;
  try {
    await withTimeout(redis.connect(), deadline);
    await withTimeout(redis.ping(), deadline);
    return redis;
  } catch (err) {
    redis.disconnect();
    const cause = lastError ?? (err as NodeJS.ErrnoException);
    const reason = cause.code ?? cause.message;
    throw new RedisUnavailableError(`REDIS_URL: cannot reach Redis at ${redisLocation(url)} (${reason}).`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: "ETIMEDOUT" })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
