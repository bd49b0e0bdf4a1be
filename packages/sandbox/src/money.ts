// Exact money arithmetic in integer nano-USD (1e-9 USD) as bigint.
// No float ever holds an amount here: decimal price strings are parsed exactly, multiplied by
// token counts exactly, and rounded ONCE (half-up, i.e. half away from zero) to the nano-USD.
// Deliberately independent of the server's ledger/money.ts: the sandbox is the oracle the ledger
// is checked against, so a parsing bug must not be shared by both sides.

export const NANOS_PER_USD = 1_000_000_000n;

/** An exact decimal: value = coef × 10^exp. */
interface Decimal {
  readonly coef: bigint;
  readonly exp: number;
}

// Sign, integer digits, optional fraction, optional exponent. At least one digit is required
// (checked after the match): "1", "1.", ".5", "1.23e-7", "-0.5", "+2E3".
const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
// Beyond this an exponent is either a typo or an attempt to make 10n ** exp explode.
const MAX_EXPONENT = 400;

function parseDecimal(input: string): Decimal {
  const match = DECIMAL_RE.exec(input);
  const intPart = match?.[2] ?? "";
  const fracPart = match?.[3] ?? "";
  if (!match || intPart.length + fracPart.length === 0) {
    throw new TypeError(`not a decimal number: ${JSON.stringify(input)}`);
  }
  const exponent = match[4] === undefined ? 0 : Number(match[4]);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) {
    throw new RangeError(`decimal exponent out of range: ${JSON.stringify(input)}`);
  }
  const digits = BigInt(intPart + fracPart);
  return { coef: match[1] === "-" ? -digits : digits, exp: exponent - fracPart.length };
}

/** Divides by 10^places, rounding half away from zero (half-up for positive amounts). */
function roundShift(value: bigint, places: number): bigint {
  if (places <= 0) return value * 10n ** BigInt(-places);
  const divisor = 10n ** BigInt(places);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return negative ? -quotient : quotient;
}

/**
 * Parses a USD amount given as an exact decimal string ("0.000003", "1.23e-7", "-2", "5.")
 * into nano-USD, rounding half-up beyond the 9th decimal. A number is accepted too and read
 * through its shortest decimal form (`String(n)`), which is exact for any value produced by
 * `nanosToUsd` below 1e15 nanos. Throws TypeError on anything that is not a decimal.
 */
export function usdToNanos(value: string | number): bigint {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite amount: ${value}`);
    value = String(value);
  }
  const { coef, exp } = parseDecimal(value);
  return roundShift(coef, -(exp + 9));
}

/**
 * The USD number reported to clients (`usage.cost`): Number(nanos) / 1e9. For |nanos| < 1e15
 * (one million USD) the shortest decimal form of that number converts back to exactly `nanos`.
 */
export function nanosToUsd(nanos: bigint): number {
  return Number(nanos) / 1e9;
}

/** Exact decimal string of a nano amount, without trailing zeros: 1500n → "0.0000015". */
export function formatNanos(nanos: bigint): string {
  const negative = nanos < 0n;
  const magnitude = negative ? -nanos : nanos;
  const whole = magnitude / NANOS_PER_USD;
  const frac = (magnitude % NANOS_PER_USD).toString().padStart(9, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** Per-unit prices in USD as decimal strings, OpenRouter's `pricing` object keys. */
export interface Pricing {
  readonly prompt: string;
  readonly completion: string;
  readonly request?: string;
  readonly input_cache_read?: string;
  /** Prompt tokens written to the cache (its default lifetime). */
  readonly input_cache_write?: string;
  /** Prompt tokens written to the cache for its longer lifetime (Anthropic's 1 h). */
  readonly input_cache_write_long?: string;
}

/** What a call consumed. `cachedTokens` (read) and the cache writes are parts of `promptTokens`. */
export interface PricedUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens?: number;
  readonly cacheWriteTokens?: number;
  readonly cacheWriteLongTokens?: number;
  /** Number of requests the per-request price applies to; default 1. */
  readonly requests?: number;
}

const decimalCache = new Map<string, Decimal>();

function cachedDecimal(price: string): Decimal {
  let parsed = decimalCache.get(price);
  if (parsed === undefined) {
    parsed = parseDecimal(price);
    if (parsed.coef < 0n) throw new RangeError(`negative (variable) price cannot be metered: ${price}`);
    if (decimalCache.size < 10_000) decimalCache.set(price, parsed);
  }
  return parsed;
}

function checkCount(name: string, count: number): bigint {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`${name} must be a non-negative integer, got ${count}`);
  return BigInt(count);
}

/**
 * The exact price of a call in nano-USD:
 *   (prompt − cached − written − writtenLong) × prompt + cached × (input_cache_read ?? prompt)
 *   + written × (input_cache_write ?? prompt) + writtenLong × (input_cache_write_long ?? write ?? prompt)
 *   + completion × completion + requests × (request ?? 0),
 * summed exactly and rounded once, half-up, to the nano-USD. Throws on a negative price.
 */
export function priceNanos(pricing: Pricing, usage: PricedUsage): bigint {
  const { coef, exp } = exactPrice(pricing, usage);
  return roundShift(coef, -9 - exp);
}

/**
 * The same price unrounded, as a decimal string with no exponent ("0.0000011375"): what the
 * sandbox reports as `usage.cost`, digits below the nano-USD included.
 */
export function priceExact(pricing: Pricing, usage: PricedUsage): string {
  const { coef, exp } = exactPrice(pricing, usage);
  return formatDecimal(coef, exp);
}

function formatDecimal(coef: bigint, exp: number): string {
  if (exp >= 0) return (coef * 10n ** BigInt(exp)).toString();
  const digits = coef.toString().padStart(-exp + 1, "0");
  const whole = digits.slice(0, digits.length + exp);
  const frac = digits.slice(digits.length + exp).replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : whole;
}

function exactPrice(pricing: Pricing, usage: PricedUsage): Decimal {
  const prompt = checkCount("promptTokens", usage.promptTokens);
  const cached = checkCount("cachedTokens", usage.cachedTokens ?? 0);
  const written = checkCount("cacheWriteTokens", usage.cacheWriteTokens ?? 0);
  const writtenLong = checkCount("cacheWriteLongTokens", usage.cacheWriteLongTokens ?? 0);
  if (cached + written + writtenLong > prompt) throw new RangeError("cached and cache-written tokens cannot exceed promptTokens");
  const terms: Array<[bigint, Decimal]> = [
    [prompt - cached - written - writtenLong, cachedDecimal(pricing.prompt)],
    [checkCount("completionTokens", usage.completionTokens), cachedDecimal(pricing.completion)],
  ];
  if (cached > 0n) terms.push([cached, cachedDecimal(pricing.input_cache_read ?? pricing.prompt)]);
  const write = pricing.input_cache_write ?? pricing.prompt;
  if (written > 0n) terms.push([written, cachedDecimal(write)]);
  if (writtenLong > 0n) terms.push([writtenLong, cachedDecimal(pricing.input_cache_write_long ?? write)]);
  if (pricing.request !== undefined) terms.push([checkCount("requests", usage.requests ?? 1), cachedDecimal(pricing.request)]);

  let minExp = -9;
  for (const [, price] of terms) if (price.exp < minExp) minExp = price.exp;
  let sum = 0n;
  for (const [count, price] of terms) sum += count * price.coef * 10n ** BigInt(price.exp - minExp);
  return { coef: sum, exp: minExp };
}
