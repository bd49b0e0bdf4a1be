// Open holds: calls in flight, or orphans the reaper will resolve.
import type { JSX } from "preact";
import { count, when } from "../../components/format.js";
import { Page } from "../../components/Page.js";
import { Empty, Loaded } from "../../components/status.js";
import { displayUsd } from "../../money.js";
import { Link } from "../../router.js";
import type { OpenHold } from "../../types.js";
import { useData } from "../../useData.js";

export function OperatorHolds(): JSX.Element {
  const holds = useData<{ count: number; amount: string; data: OpenHold[] }>("/api/v1/operator/holds?limit=200", 1000);
  return (
    <Page title="Open holds">
      <Loaded data={holds.data} error={holds.error} what="open holds">
        {(h) => (
          <>
            <p data-testid="holds-summary">
              {count(h.count)} open {h.count === 1 ? "hold" : "holds"}, {displayUsd(h.amount)} held in all.
            </p>
            {h.data.length === 0 ? (
              <Empty>No call is in flight.</Empty>
            ) : (
              <div class="table-wrap">
                <table data-testid="holds-table">
                  <caption class="visually-hidden">Open holds, oldest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Since</th>
                      <th scope="col">Tenant</th>
                      <th scope="col">Model</th>
                      <th scope="col" class="num">
                        Held
                      </th>
                      <th scope="col">Instance</th>
                      <th scope="col">Expires</th>
                      <th scope="col">Request</th>
                    </tr>
                  </thead>
                  <tbody>
                    {h.data.map((x) => (
                      <tr key={x.request_id}>
                        <td>{when(x.created_at)}</td>
                        <td>
                          <Link href={`/dashboard/t/${x.tenant_id}`}>{x.tenant_id}</Link>
                        </td>
                        <td>{x.model ?? "—"}</td>
                        <td class="num">{displayUsd(x.amount)}</td>
                        <td>{x.instance_id}</td>
                        <td>{when(x.expires_at)}</td>
                        <td>{x.request_id}</td>
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
