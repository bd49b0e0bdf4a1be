// Times are epoch-ms BIGINTs in the store and ISO 8601 strings on the wire.
export function isoTime(ms: bigint | number): string {
  return new Date(Number(ms)).toISOString();
}

export function isoTimeOrNull(ms: bigint | number | null): string | null {
  return ms === null ? null : isoTime(ms);
}

/** A change time for a row last changed at `previous`: now, but always after `previous`, so pollers of updated_at see it. */
export function nextUpdatedAt(previous: bigint, now = Date.now()): bigint {
  const t = BigInt(now);
  return t > previous ? t : previous + 1n;
}
