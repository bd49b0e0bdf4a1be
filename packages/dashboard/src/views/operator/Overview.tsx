// The operator's overview: revenue (what tenants were charged), upstream cost and margin per day,
// the books' all-time totals, and every tenant with its balance and spend.
import type { JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import { query } from "../../api.js";
import { count } from "../../components/format.js";
import { Page } from "../../components/Page.js";
import { StackedBars } from "../../components/StackedBars.js";
import { Empty, Loaded } from "../../components/status.js";
import { displayUsd } from "../../money.js";
import { Link } from "../../router.js";
import type { Margin, OperatorTenant } from "../../types.js";
import { useData } from "../../useData.js";

export function OperatorOverview(): JSX.Element {
  const [days, setDays] = useState(30);
  const margin = useData<Margin>(`/api/v1/operator/margin${query({ days })}`, 2000);
  const tenants = useData<{ data: OperatorTenant[] }>(`/api/v1/operator/tenants${query({ days })}`, 2000);
  const series = useMemo(
    () => (margin.data ? [{ label: "Upstream cost", amounts: margin.data.upstream_cost }, { label: "Margin", amounts: margin.data.margin }] : []),
    [margin.data],
  );
  return (
    <Page title="Tenants & margin">
      <div class="controls">
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
      <Loaded data={margin.data} error={margin.error} what="revenue and margin">
        {(m) => (
          <>
            <dl class="cards" data-testid="margin-totals">
              <div>
                <dt>Charged to tenants</dt>
                <dd data-testid="margin-charge">{displayUsd(m.total.charge)}</dd>
              </div>
              <div>
                <dt>Upstream cost</dt>
                <dd data-testid="margin-upstream">{displayUsd(m.total.upstream_cost)}</dd>
              </div>
              <div>
                <dt>Margin</dt>
                <dd data-testid="margin-margin">{displayUsd(m.total.margin)}</dd>
              </div>
              <div>
                <dt>Calls</dt>
                <dd>{count(m.total.calls)}</dd>
              </div>
            </dl>
            <StackedBars id="margin" title={`Charged per day (upstream cost + margin), last ${m.days.length} days`} days={m.days} series={series} total={m.total.charge} />
            <h2>Books, all time</h2>
            <dl class="cards" data-testid="accounts">
              <div>
                <dt>Revenue accounts</dt>
                <dd data-testid="accounts-revenue">{displayUsd(m.accounts.revenue)}</dd>
              </div>
              <div>
                <dt>Owed upstream (payable)</dt>
                <dd data-testid="accounts-payable">{displayUsd(m.accounts.payable)}</dd>
              </div>
              <div>
                <dt>Unexplained upstream spend</dt>
                <dd data-testid="accounts-unexplained">{displayUsd(m.accounts.unexplained)}</dd>
              </div>
              <div>
                <dt>Funding (credits sold)</dt>
                <dd>{displayUsd(m.accounts.funding)}</dd>
              </div>
            </dl>
          </>
        )}
      </Loaded>
      <h2>Tenants</h2>
      <Loaded data={tenants.data} error={tenants.error} what="tenants">
        {(t) =>
          t.data.length === 0 ? (
            <Empty>No tenants yet.</Empty>
          ) : (
            <div class="table-wrap">
              <table data-testid="tenants-table">
                <caption class="visually-hidden">Tenants with balance and spend over the last {days} days</caption>
                <thead>
                  <tr>
                    <th scope="col">Tenant</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">
                      Balance
                    </th>
                    <th scope="col" class="num">
                      Held
                    </th>
                    <th scope="col" class="num">
                      Available
                    </th>
                    <th scope="col" class="num">
                      Spend ({days} d)
                    </th>
                    <th scope="col" class="num">
                      Calls
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {t.data.map((row) => (
                    <tr key={row.id} data-tenant-id={row.id}>
                      <th scope="row">
                        <Link href={`/dashboard/t/${row.id}`}>{row.name}</Link>
                        <br />
                        <span class="muted">{row.id}</span>
                      </th>
                      <td>
                        <span class={`badge ${row.status === "active" ? "ok" : "bad"}`}>{row.status}</span>
                      </td>
                      <td class="num">{displayUsd(row.balance)}</td>
                      <td class="num">{displayUsd(row.held)}</td>
                      <td class="num">{displayUsd(row.available)}</td>
                      <td class="num" data-usd={row.spend}>
                        {displayUsd(row.spend)}
                      </td>
                      <td class="num">{count(row.calls)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </Page>
  );
}
