// One call: what it cost, its tokens, status, latency, generation id, its hold and its statement lines.
import type { JSX } from "preact";
import { count, when } from "../../components/format.js";
import { Page } from "../../components/Page.js";
import { Loaded } from "../../components/status.js";
import { displayUsd } from "../../money.js";
import { Link } from "../../router.js";
import type { CallDetailView } from "../../types.js";
import { useData } from "../../useData.js";

export function CallDetail({ tenant, request }: { tenant: string; request: string }): JSX.Element {
  const detail = useData<CallDetailView>(`/api/v1/tenants/${encodeURIComponent(tenant)}/calls/${encodeURIComponent(request)}`);
  return (
    <Page title={`Call ${request}`}>
      <p>
        <Link href={`/dashboard/t/${tenant}/calls`}>← All calls</Link>
      </p>
      <Loaded data={detail.data} error={detail.error} what="the call">
        {({ call, hold, ledger }) => (
          <>
            <dl class="facts" data-testid="call-detail">
              <dt>Time</dt>
              <dd>{when(call.created_at)}</dd>
              <dt>Model</dt>
              <dd>{call.model ?? "—"}</dd>
              <dt>Generation id</dt>
              <dd data-testid="call-generation">{call.generation_id ?? "—"}</dd>
              <dt>Key</dt>
              <dd>{call.key_id}</dd>
              <dt>Path</dt>
              <dd>{call.path || "—"}</dd>
              <dt>Status</dt>
              <dd>
                {call.status} (HTTP {call.http_status || "—"})
              </dd>
              <dt>Tokens</dt>
              <dd>
                {count(call.prompt_tokens)} prompt, {count(call.completion_tokens)} completion{call.estimated ? " (estimated)" : ""}
              </dd>
              <dt>Charged</dt>
              <dd data-testid="call-charge">{displayUsd(call.charge)}</dd>
              <dt>Upstream cost</dt>
              <dd>{displayUsd(call.upstream_cost)}</dd>
              <dt>Latency</dt>
              <dd>{count(call.latency_ms)} ms</dd>
              <dt>Streamed</dt>
              <dd>{call.streamed ? "yes" : "no"}</dd>
            </dl>
            <h2>Hold</h2>
            {hold ? (
              <p>
                {displayUsd(hold.amount)} held at {when(hold.created_at)}, {hold.status}
                {hold.late ? " (late)" : ""}
                {hold.ended_at ? ` at ${when(hold.ended_at)}` : ""}
                {hold.credential_id ? `, sent with credential ${hold.credential_id}` : ""}.
              </p>
            ) : (
              <p class="muted">No hold on record.</p>
            )}
            <h2>Statement lines</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Entry</th>
                    <th scope="col">Kind</th>
                    <th scope="col" class="num">
                      Amount
                    </th>
                    <th scope="col">Time</th>
                  </tr>
                </thead>
                <tbody>
                  {ledger.map((l) => (
                    <tr key={l.id}>
                      <td>{l.id}</td>
                      <td>{l.kind}</td>
                      <td class="num">{displayUsd(l.amount)}</td>
                      <td>{when(l.created_at)}</td>
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
