// A key's rpm and tpm limits for the proxy: shared through Redis when REDIS_URL is set (every
// instance draws from one bucket per key), else this instance's own buckets. When Redis fails, the
// configured mode applies: "open" admits against this instance's bucket, "closed" refuses (503).
// Either way the failure is counted (vendo_rate_limit_redis_errors_total) and logged once per
// outage, and never fails the call any other way.
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { Counter } from "prom-client";
import { ProxyError } from "./errors.js";
import { createLocalRateLimiter, type KeyLimits } from "./rateLimiter.js";
import { createRedisRateLimiter } from "./redisRateLimiter.js";

const redisErrors = new Counter({
  name: "vendo_rate_limit_redis_errors_total",
  help: "Rate-limit commands Redis did not answer (the failure mode applied)",
  labelNames: ["operation", "mode"],
});

export interface RateLimits {
  /** Throws RATE_LIMITED (with Retry-After) or RATE_LIMITER_UNAVAILABLE; resolves when admitted. */
  admit(key: KeyLimits, now: number): Promise<void>;
  /** Takes a settled call's tokens from the key's tpm bucket. Never throws. */
  record(key: KeyLimits, tokens: number, now: number): void;
}

export function createRateLimits(options: { redis: Redis | null; failure: "open" | "closed"; logger: Logger }): RateLimits {
  const local = createLocalRateLimiter();
  const { redis, failure, logger } = options;
  const refuse = (wait: number) => {
    if (wait > 0) throw new ProxyError("RATE_LIMITED", undefined, { "retry-after": String(wait) });
  };
  if (!redis) {
    return {
      async admit(key, now) {
        if (key.rpm !== null || key.tpm !== null) refuse(local.admit(key, now));
      },
      record: (key, tokens, now) => local.record(key, tokens, now),
    };
  }

  const shared = createRedisRateLimiter(redis);
  let down = false;
  const failed = (operation: string, err: Error) => {
    redisErrors.inc({ operation, mode: failure });
    if (!down) logger.warn({ err: err.message, mode: failure }, "Redis unavailable for rate limits; failing " + failure);
    down = true;
  };
  const recovered = () => {
    if (down) logger.info("Redis answers again; rate limits shared");
    down = false;
  };

  return {
    async admit(key, now) {
      if (key.rpm === null && key.tpm === null) return;
      let wait: number;
      try {
        wait = await shared.admit(key);
        recovered();
      } catch (err) {
        failed("admit", err as Error);
        if (failure === "closed") throw new ProxyError("RATE_LIMITER_UNAVAILABLE");
        wait = local.admit(key, now);
      }
      refuse(wait);
    },
    record(key, tokens, now) {
      if (key.tpm === null || tokens <= 0) return;
      local.record(key, tokens, now);
      shared.record(key, tokens).then(recovered, (err: Error) => failed("record", err));
    },
  };
}
