// Requests-per-minute per key: a token bucket holding `rpm` tokens, refilled continuously.
// Per instance; with N instances a key may reach N × rpm (a shared limiter needs Redis).
export function createRateLimiter() {
  const buckets = new Map<string, { tokens: number; at: number; rpm: number }>();
  return {
    /** Takes one request; returns 0 if allowed, else the seconds to wait (for Retry-After). */
    take(keyId: string, rpm: number, now: number): number {
      let b = buckets.get(keyId);
      if (!b || b.rpm !== rpm) {
        b = { tokens: rpm, at: now, rpm };
        buckets.set(keyId, b);
      }
      b.tokens = Math.min(rpm, b.tokens + ((now - b.at) * rpm) / 60_000);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil(((1 - b.tokens) * 60) / rpm));
    },
  };
}
