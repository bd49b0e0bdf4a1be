// A tenant's credit history: top-ups and adjustments, newest first.
import type { JSX } from "preact";
import { when } from "../../components/format.js";
import { Page } from "../../components/Page.js";
import { Empty, Loaded } from "../../components/status.js";
import { displayUsd } from "../../money.js";
import type { Page as PageOf, StatementLine } from "../../types.js";
import { useData } from "../../useData.js";

export function Credits({ tenant }: { tenant: string }): JSX.Element {
  const history = useData<PageOf<StatementLine>>(`/api/v1/tenants/${encodeURIComponent(tenant)}/credit-history?limit=100`, 5000);
  return (
    <Page title="Credit history">
      <Loaded data={history.data} error={history.error} what="credit history">
        {(h) =>
          h.data.length === 0 ? (
            <Empty>No credits yet.</Empty>
          ) : (
            <div class="table-wrap">
              <table data-testid="credits-table">
                <caption class="visually-hidden">Top-ups and adjustments, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Kind</th>
                    <th scope="col" class="num">
                      Amount
                    </th>
                    <th scope="col">Memo</th>
                  </tr>
                </thead>
                <tbody>
                  {h.data.map((l) => (
                    <tr key={l.id}>
                      <td>{when(l.created_at)}</td>
                      <td>{l.kind === "topup" ? "top-up" : "adjustment"}</td>
                      <td class="num" data-usd={l.amount}>
                        {displayUsd(l.amount)}
                      </td>
                      <td>{l.memo ?? ""}</td>
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
