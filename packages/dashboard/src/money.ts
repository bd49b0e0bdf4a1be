// Money on the page: the server sends exact USD decimal strings; sums are done in integer nano-USD
// (bigint), never in floats. Only a chart's bar heights use numbers.
const NANOS = 1_000_000_000n;

/** "12.5" → 12_500_000_000n nano-USD. Throws on anything that is not an exact decimal. */
export function parseUsd(text: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) throw new Error(`not a USD amount: ${text}`);
  const nanos = BigInt(m[2] ?? "0") * NANOS + BigInt((m[3] ?? "").padEnd(9, "0"));
  return m[1] ? -nanos : nanos;
}

/** nano-USD → exact decimal string, trailing zeros dropped ("1.5", "0.000000001"). */
export function formatUsd(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const frac = (abs % NANOS).toString().padStart(9, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${abs / NANOS}${frac ? "." + frac : ""}`;
}

/** "$1,234.50", "$0.000123": the exact amount, with at least two decimals and grouped thousands. */
export function displayUsd(text: string): string {
  const negative = text.startsWith("-");
  const [whole = "0", frac = ""] = (negative ? text.slice(1) : text).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "−" : ""}$${grouped}.${frac.padEnd(2, "0")}`;
}

/** Sums exact USD strings. */
export function sumUsd(values: readonly string[]): string {
  return formatUsd(values.reduce((acc, v) => acc + parseUsd(v), 0n));
}

/** A USD string as a number, for drawing only. */
export function usdForChart(text: string): number {
  return Number(text);
}
