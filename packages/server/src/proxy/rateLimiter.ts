// A key's requests-per-minute and tokens-per-minute limits, as token buckets on this instance
// (rateLimits.ts uses Redis instead when REDIS_URL is set, and this as its fallback).
// rpm: a bucket of `rpm` requests, refilled continuously; each call takes one.
// tpm: a bucket of `tpm` tokens, refilled continuously; a call is admitted while the bucket is
// above zero, and its real prompt + completion tokens are taken once it settles (the bucket may go
// below zero: the next calls wait until it has refilled).

export interface KeyLimits {
  id: string;
  rpm: number | null;
  tpm: number | null;
}

interface Bucket {
  level: number;
  at: number;
  capacity: number;
}

const MINUTE = 60_000;

export function createLocalRateLimiter() {
  const rpmBuckets = new Map<string, Bucket>();
  const tpmBuckets = new Map<string, Bucket>();

  function refilled(buckets: Map<string, Bucket>, id: string, capacity: number, now: number): Bucket {
    let b = buckets.get(id);
    if (!b || b.capacity !== capacity) {
      b = { level: capacity, at: now, capacity };
      buckets.set(id, b);
    }
    b.level = Math.min(capacity, b.level + ((now - b.at) * capacity) / MINUTE);
    b.at = now;
    return b;
  }

  /** Milliseconds until a bucket refilled at `capacity`/minute reaches 1. */
  const waitMs = (b: Bucket) => ((1 - b.level) * MINUTE) / b.capacity;

  return {
    /** Admits one call: 0 if allowed (one request taken), else the seconds to wait (Retry-After). */
    admit(key: KeyLimits, now: number): number {
      const r = key.rpm !== null ? refilled(rpmBuckets, key.id, key.rpm, now) : null;
      const t = key.tpm !== null ? refilled(tpmBuckets, key.id, key.tpm, now) : null;
      const wait = Math.max(r && r.level < 1 ? waitMs(r) : 0, t && t.level < 1 ? waitMs(t) : 0);
      if (wait > 0) return Math.max(1, Math.ceil(wait / 1000));
      if (r) r.level -= 1;
      return 0;
    },
    /** Takes a settled call's tokens from the key's tpm bucket. */
    record(key: KeyLimits, tokens: number, now: number): void {
      if (key.tpm === null || tokens <= 0) return;
      refilled(tpmBuckets, key.id, key.tpm, now).level -= tokens;
    },
  };
}

export type LocalRateLimiter = ReturnType<typeof createLocalRateLimiter>;
