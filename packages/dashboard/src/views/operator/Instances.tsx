// Server instances by heartbeat: live or past the stale window, with their pending holds.
import type { JSX } from "preact";
import { count, when } from "../../components/format.js";
import { Page } from "../../components/Page.js";
import { Loaded } from "../../components/status.js";
import type { Instance } from "../../types.js";
import { useData } from "../../useData.js";

export function OperatorInstances(): JSX.Element {
  const instances = useData<{ stale_after_ms: number; data: Instance[] }>("/api/v1/operator/instances", 2000);
  return (
    <Page title="Instances">
      <Loaded data={instances.data} error={instances.error} what="instances">
        {(i) => (
          <>
            <p>
              {i.data.filter((x) => x.live).length} live; an instance silent for {count(i.stale_after_ms)} ms is stale and its open holds are reaped.
            </p>
            <div class="table-wrap">
              <table data-testid="instances-table">
                <thead>
                  <tr>
                    <th scope="col">Instance</th>
                    <th scope="col">State</th>
                    <th scope="col">Last heartbeat</th>
                    <th scope="col">Started</th>
                    <th scope="col" class="num">
                      Epoch
                    </th>
                    <th scope="col" class="num">
                      Open holds
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {i.data.map((x) => (
                    <tr key={x.id}>
                      <th scope="row">
                        {x.id}
                        {x.current ? <span class="muted"> (answering this page)</span> : null}
                      </th>
                      <td>
                        <span class={`badge ${x.live ? "ok" : "bad"}`}>{x.live ? "live" : "stale"}</span>
                      </td>
                      <td>{when(x.heartbeat_at)}</td>
                      <td>{when(x.started_at)}</td>
                      <td class="num">{x.epoch}</td>
                      <td class="num">{count(x.pending_holds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Loaded>
    </Page>
  );
}
