// Each key's usage in its current period against its limit, with when the limit resets.
import type { JSX } from "preact";
import { displayUsd, parseUsd } from "../../money.js";
import type { Key } from "../../types.js";

const RESET: Record<Key["limit_reset"], string> = { daily: "resets daily (UTC)", weekly: "resets weekly (UTC)", monthly: "resets monthly (UTC)", none: "never resets" };

export function KeyUsage({ keys }: { keys: Key[] }): JSX.Element {
  return (
    <ul class="key-usage" data-testid="key-usage">
      {keys.map((k) => {
        const limit = k.limit === null ? null : parseUsd(k.limit);
        const used = parseUsd(k.period_usage);
        const percent = limit === null || limit === 0n ? 0 : Number((used * 1000n) / limit) / 10;
        return (
          <li key={k.id} data-key-id={k.id}>
            <div class="key-usage-head">
              <strong>{k.name}</strong> <span class="muted">{k.prefix}…</span> {k.disabled && <span class="badge bad">disabled</span>}
            </div>
            {limit === null ? (
              <p>
                {displayUsd(k.period_usage)} used · no limit · {displayUsd(k.usage)} in all
              </p>
            ) : (
              <>
                <progress max={1000} value={Math.min(1000, Math.round(percent * 10))} aria-label={`${k.name}: ${percent}% of its limit used`} />
                <p>
                  {displayUsd(k.period_usage)} of {displayUsd(k.limit ?? "0")} used ({percent}%), {displayUsd(k.limit_remaining ?? "0")} left · {RESET[k.limit_reset]}
                </p>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
