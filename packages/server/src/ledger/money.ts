// Money is integer nano-USD (1e-9 USD) in a bigint. Decimal strings and JSON numbers are converted
// exactly, with one rounding (half up) where a value has more than nine decimals.
export type Nanos = bigint;

export const NANOS_PER_USD = 1_000_000_000n;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Exact USD decimal (or the text of a JSON number, exponent allowed) → nano-USD, rounded half up
 * once beyond nine decimals. Returns null for anything that is not a finite decimal.
 */
export function decimalToNanos(text: string): Nanos | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const [, sign, int = "0", frac = "", exp = "0"] = m;
  const shift = Number(exp);
  if (!Number.isSafeInteger(shift) || Math.abs(shift) > 400) return null;
  // digits × 10^(shift − frac.length) USD = digits × 10^(shift − frac.length + 9) nanos
  const digits = BigInt(int + frac);
  const scale = shift - frac.length + 9;
  let nanos: bigint;
  if (scale >= 0) nanos = digits * 10n ** BigInt(scale);
  else {
    const divisor = 10n ** BigInt(-scale);
    nanos = (digits + divisor / 2n) / divisor;
  }
  return sign === "-" ? -nanos : nanos;
}

/** A JSON number (e.g. usage.cost) → nano-USD, through its shortest decimal text. */
export function usdNumberToNanos(value: number): Nanos | null {
  return Number.isFinite(value) ? decimalToNanos(String(value)) : null;
}

/** nano-USD → exact USD decimal string with no trailing zeros ("1.5", "0.000000001", "-2"). */
export function formatUsd(nanos: Nanos): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const whole = abs / NANOS_PER_USD;
  const frac = (abs % NANOS_PER_USD).toString().padStart(9, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? "." + frac : ""}`;
}

/** nano-USD → a JSON number in USD, for OpenRouter-shaped responses that carry numbers. */
export function nanosToUsdNumber(nanos: Nanos): number {
  return Number(formatUsd(nanos));
}

/**
 * An exact non-negative USD amount, `numerator / 10^scale` USD: a per-unit price as OpenRouter
 * writes it, or a call's cost kept unrounded until it becomes nano-USD (with its markup) in one
 * rounding.
 */
export interface ExactUsd {
  numerator: bigint;
  scale: number;
}

/** A per-token (or per-request) price: an exact amount per unit. */
export type UnitPrice = ExactUsd;

/** A non-negative decimal (exponent allowed, as JSON numbers print) → ExactUsd; null otherwise. */
export function parseExactUsd(text: string): ExactUsd | null {
  const m = DECIMAL.exec(text.trim());
  if (!m || m[1] === "-") return null;
  // Some catalogs write tiny prices with an exponent ("3e-7"): fold it into the scale.
  const [, , int = "0", frac = "", exp = "0"] = m;
  const shift = Number(exp);
  if (!Number.isSafeInteger(shift) || Math.abs(shift) > 400) return null;
  const scale = frac.length - shift;
  const digits = BigInt(int + frac);
  return scale >= 0 ? { numerator: digits, scale } : { numerator: digits * 10n ** BigInt(-scale), scale: 0 };
}

/** A JSON number (e.g. usage.cost) → ExactUsd, through its shortest decimal text. */
export function usdNumberToExact(value: number): ExactUsd | null {
  return Number.isFinite(value) && value >= 0 ? parseExactUsd(String(value)) : null;
}

/** Sum of count × unit price over the parts, exactly. */
export function sumPrices(parts: Array<{ count: bigint; price: UnitPrice }>): ExactUsd {
  const scale = Math.max(0, ...parts.map((p) => p.price.scale));
  let numerator = 0n;
  for (const p of parts) numerator += p.count * p.price.numerator * 10n ** BigInt(scale - p.price.scale);
  return { numerator, scale };
}

/**
 * An exact amount with a markup (basis points) → nano-USD, rounded once: half up for a price,
 * up for a hold (which must never be short).
 */
export function toNanos(amount: ExactUsd, markupBps = 0n, rounding: "half_up" | "up" = "half_up"): Nanos {
  const numerator = amount.numerator * (10_000n + markupBps) * NANOS_PER_USD;
  const divisor = 10n ** BigInt(amount.scale) * 10_000n;
  return rounding === "up" ? (numerator + divisor - 1n) / divisor : (numerator + divisor / 2n) / divisor;
}

/** A markup (basis points) on a whole nano-USD amount, rounded half up once. A call's charge is
 *  priced from its exact cost with toNanos instead; this is for amounts already in nano-USD. */
export function applyMarkup(upstream: Nanos, markupBps: bigint): Nanos {
  return toNanos({ numerator: upstream, scale: 9 }, markupBps);
}

/** a + b, exactly. */
export function addExact(a: ExactUsd, b: ExactUsd): ExactUsd {
  const scale = Math.max(a.scale, b.scale);
  return { numerator: a.numerator * 10n ** BigInt(scale - a.scale) + b.numerator * 10n ** BigInt(scale - b.scale), scale };
}

/** amount × count, exactly. */
export function scaleExact(amount: ExactUsd, count: bigint): ExactUsd {
  return { numerator: amount.numerator * count, scale: amount.scale };
}

export const ZERO_USD: ExactUsd = { numerator: 0n, scale: 0 };
