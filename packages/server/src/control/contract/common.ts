// Building blocks shared by every endpoint's schemas: ids, exact USD amounts, times, lists.
import { z } from "zod";
import { decimalToNanos } from "../../ledger/money.js";

export const resourceId = z
  .string({ error: "must be an id string" })
  .regex(/^[A-Za-z0-9_-]{1,100}$/, { error: "must be an id (letters, digits, _ and -)" });

export const idParams = z.object({ id: resourceId });

const USD = /^\d+(\.\d{1,9})?$/;
const SIGNED_USD = /^-?\d+(\.\d{1,9})?$/;
const USD_HINT = 'a USD decimal string such as "10.50" (at most 9 decimals)';

/** Amounts stay far inside BIGINT nano-USD (±9.2e9 USD): one request moves at most 1e9 USD. */
const MAX_NANOS = 1_000_000_000n * 1_000_000_000n;
const withinRange = (nanos: bigint) => nanos <= MAX_NANOS && nanos >= -MAX_NANOS;
const RANGE_HINT = "must be at most 1000000000 USD";

/** A non-negative USD amount given as an exact decimal string → nano-USD. */
export const usdAmount = z
  .string({ error: `must be ${USD_HINT}` })
  .regex(USD, { error: `must be ${USD_HINT}, not negative` })
  .transform((text) => decimalToNanos(text) as bigint)
  .refine(withinRange, { error: RANGE_HINT });

/** A strictly positive USD amount → nano-USD. */
export const positiveUsdAmount = usdAmount.refine((nanos) => nanos > 0n, { error: "must be greater than zero" });

/** A signed, non-zero USD amount (adjustments) → nano-USD. */
export const signedUsdAmount = z
  .string({ error: `must be ${USD_HINT}` })
  .regex(SIGNED_USD, { error: `must be ${USD_HINT}, optionally negative` })
  .transform((text) => decimalToNanos(text) as bigint)
  .refine(withinRange, { error: RANGE_HINT })
  .refine((nanos) => nanos !== 0n, { error: "must not be zero" });

/** An ISO 8601 date or date-time → epoch milliseconds. */
export const isoTime = z
  .string({ error: "must be an ISO 8601 date or date-time string" })
  .regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, { error: "must be an ISO 8601 date or date-time string" })
  .refine((text) => Number.isFinite(Date.parse(text)), { error: "is not a valid date" })
  .transform((text) => Date.parse(text));

/** `?flag=true|false|1|0` → boolean (absent = false). */
export const queryFlag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .optional()
  .transform((v) => v === "true" || v === "1");

/** Responses: money as an exact USD decimal string, times as ISO strings. */
export const usd = z.string().describe("USD, exact decimal string");
export const timestamp = z.string().describe("ISO 8601 date-time");

export const balanceView = z.object({ balance: usd, held: usd, available: usd });

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item) });
}
