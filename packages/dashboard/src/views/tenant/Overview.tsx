// A tenant's overview: balance, held and available (live), spend per day stacked by model or by
// key, each key's usage against its limit, and the latest calls (live).
import type { JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import { query } from "../../api.js";
import { CallsTable } from "../../components/CallsTable.js";
import { Page } from "../../components/Page.js";
import { StackedBars, topSeries } from "../../components/StackedBars.js";
import { Empty, ErrorNote, Loaded } from "../../components/status.js";
import { displayUsd } from "../../money.js";
import { Link } from "../../router.js";
import type { Balance, Call, Key, Page as PageOf, TenantSpend } from "../../types.js";
import { useData } from "../../useData.js";
import { KeyUsage } from "./KeyUsage.js";

export function TenantOverview({ tenant }: { tenant: string }): JSX.Element {
  const base = `/api/v1/tenants/${encodeURIComponent(tenant)}`;
  const balance = useData<Balance>(`${base}/balance`, 1000);
  const [days, setDays] = useState(30);
  const [stack, setStack] = useState<"model" | "key">("model");
  const spend = useData<TenantSpend>(`${base}/spend${query({ days })}`, 2000);
  const keys = useData<PageOf<Key>>(`/api/v1/keys${query({ tenant_id: tenant })}`, 2000);
  const calls = useData<PageOf<Call>>(`${base}/calls${query({ limit: 5 })}`, 1000);
  const keyNames = useMemo(() => new Map((keys.data?.data ?? []).map((k) => [k.id, k.name])), [keys.data]);
  const series = useMemo(() => {
    if (!spend.data) return [];
    return topSeries((stack === "model" ? spend.data.by_model : spend.data.by_key).map((s) => ({ label: s.label, amounts: s.amounts })));
  }, [spend.data, stack]);

  if (balance.error && !balance.data) {
    return (
      <Page title="Overview">
        <ErrorNote error={balance.error} />
      </Page>
    );
  }
  return (
    <Page title="Overview">
      <Loaded data={balance.data} error={balance.error} what="the balance">
        {(b) => (
          <dl class="cards" aria-live="polite" data-testid="balance">
            <div>
              <dt>Balance</dt>
              <dd data-testid="balance-balance" data-usd={b.balance}>
                {displayUsd(b.balance)}
              </dd>
            </div>
            <div>
              <dt>Held by running calls</dt>
              <dd data-testid="balance-held" data-usd={b.held}>
                {displayUsd(b.held)}
              </dd>
            </div>
            <div>
              <dt>Available</dt>
              <dd data-testid="balance-available" data-usd={b.available}>
                {displayUsd(b.available)}
              </dd>
            </div>
          </dl>
        )}
      </Loaded>

      <h2>Spend per day</h2>
      <div class="controls">
        <fieldset class="segmented">
          <legend>Stack by</legend>
          {(["model", "key"] as const).map((s) => (
            <label key={s}>
              <input type="radio" name="stack" value={s} checked={stack === s} onChange={() => setStack(s)} /> {s === "model" ? "Model" : "Key"}
            </label>
          ))}
        </fieldset>
        <label>
          Days{" "}
          <select value={String(days)} onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}>
            {[7, 30, 90].map((d) => (
              <option key={d} value={String(d)}>
                {d}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Loaded data={spend.data} error={spend.error} what="spend">
        {(s) => <StackedBars id="spend" title={`Spend over the last ${s.days.length} days (${s.calls} calls)`} days={s.days} series={series} total={s.total} />}
      </Loaded>

      <h2>Keys against their limits</h2>
      <Loaded data={keys.data} error={keys.error} what="keys">
        {(k) => (k.data.length === 0 ? <Empty>No keys yet.</Empty> : <KeyUsage keys={k.data} />)}
      </Loaded>

      <h2>Latest calls</h2>
      <Loaded data={calls.data} error={calls.error} what="calls">
        {(c) =>
          c.data.length === 0 ? (
            <Empty>No calls yet.</Empty>
          ) : (
            <>
              <CallsTable tenant={tenant} calls={c.data} keyNames={keyNames} caption="The five latest calls (updated every second)" />
              <p>
                <Link href={`/dashboard/t/${tenant}/calls`}>All calls</Link>
              </p>
            </>
          )
        }
      </Loaded>
    </Page>
  );
}
