// Expected charges computed independently of the server's money code, from the sandbox's record of
// the exact cost (digits below the nano-USD included): cost × (1 + markup), rounded half up once
// by the sandbox's own decimal arithmetic (docs/money.md, invariant 6).
import { usdToNanos } from "@vendo/sandbox";

/** The charge for an exact USD cost (decimal string) with a markup in basis points. */
export function expectedCharge(costExact: string, markupBps: bigint): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(costExact);
  if (!m) throw new Error(`not an exact decimal cost: ${costExact}`);
  const [, whole = "0", frac = ""] = m;
  // cost × (10,000 + bps) / 10,000, written as an exact decimal for usdToNanos to round once.
  const scaled = BigInt(whole + frac) * (10_000n + markupBps);
  return usdToNanos(`${scaled}e-${frac.length + 4}`);
}
