// Pool credentials: health (cool-downs, as the answering instance sees them), what the books owe the
// upstream for each, unexplained spend, and reconciliation drift against the upstream's record.
import type { JSX } from "preact";
import { count, when } from "../../components/format.js";
import { Page } from "../../components/Page.js";
import { Empty, Loaded } from "../../components/status.js";
import { displayUsd } from "../../money.js";
import type { DayDrift, PoolCredential } from "../../types.js";
import { useData } from "../../useData.js";

export function OperatorPool(): JSX.Element {
  const pool = useData<{ data: PoolCredential[]; drift_by_day: DayDrift[] }>("/api/v1/operator/pool?days=30", 2000);
  return (
    <Page title="Pool credentials">
      <Loaded data={pool.data} error={pool.error} what="the pool">
        {(p) => (
          <>
            {p.data.length === 0 ? (
              <Empty>No pool credentials (npx vendo pool add …).</Empty>
            ) : (
              <div class="table-wrap">
                <table data-testid="pool-table">
                  <caption>Health is this instance's view: cool-downs after upstream refusals or connection errors.</caption>
                  <thead>
                    <tr>
                      <th scope="col">Credential</th>
                      <th scope="col">Health</th>
                      <th scope="col" class="num">
                        Cool-downs
                      </th>
                      <th scope="col" class="num">
                        Owed upstream
                      </th>
                      <th scope="col" class="num">
                        Unexplained
                      </th>
                      <th scope="col">Last reconciliation</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.data.map((c) => (
                      <tr key={c.id} data-credential-id={c.id}>
                        <th scope="row">
                          {c.label} <code>{c.masked}</code>
                          <br />
                          <span class="muted">
                            {c.integration} · {c.id}
                          </span>
                        </th>
                        <td>
                          {c.disabled ? (
                            <span class="badge bad">disabled</span>
                          ) : c.cooling_until ? (
                            <span class="badge warn">cooling until {when(c.cooling_until)}</span>
                          ) : c.in_rotation ? (
                            <span class="badge ok">in rotation</span>
                          ) : (
                            <span class="badge warn">awaiting baseline</span>
                          )}
                        </td>
                        <td class="num">
                          {count(c.cooldowns)}
                          {c.last_cooldown_at ? <span class="muted"> (last {when(c.last_cooldown_at)})</span> : null}
                        </td>
                        <td class="num">{displayUsd(c.payable)}</td>
                        <td class="num">{displayUsd(c.unexplained)}</td>
                        <td>
                          {c.last_reconciliation
                            ? `${c.last_reconciliation.outcome}: drift ${displayUsd(c.last_reconciliation.drift)}, upstream ${displayUsd(c.last_reconciliation.upstream_usage)} vs booked ${displayUsd(c.last_reconciliation.booked)} (${when(c.last_reconciliation.at)})`
                            : "not yet"}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <h2>Reconciliation drift per day</h2>
            {p.drift_by_day.length === 0 ? (
              <Empty>No reconciliation runs in the last 30 days.</Empty>
            ) : (
              <div class="table-wrap">
                <table data-testid="drift-table">
                  <thead>
                    <tr>
                      <th scope="col">Day (UTC)</th>
                      <th scope="col">Credential</th>
                      <th scope="col" class="num">
                        Runs
                      </th>
                      <th scope="col" class="num">
                        Booked as unexplained
                      </th>
                      <th scope="col" class="num">
                        Last drift
                      </th>
                      <th scope="col">Last outcome</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.drift_by_day.map((d) => (
                      <tr key={`${d.day} ${d.credential_id}`}>
                        <td>{d.day}</td>
                        <td>{d.credential_id}</td>
                        <td class="num">{count(d.runs)}</td>
                        <td class="num">{displayUsd(d.booked_unexplained)}</td>
                        <td class="num">{displayUsd(d.last_drift)}</td>
                        <td>{d.last_outcome}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}
