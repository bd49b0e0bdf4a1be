// A tenant's deployments, their connections and the env vars `vendo run` injects (secrets masked).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { query } from "../../api.js";
import { when } from "../../components/format.js";
import { Page } from "../../components/Page.js";
import { Empty, Loaded } from "../../components/status.js";
import type { Deployment, EnvVar, Page as PageOf } from "../../types.js";
import { useData } from "../../useData.js";

export function Deployments({ tenant }: { tenant: string }): JSX.Element {
  const deployments = useData<PageOf<Deployment>>(`/api/v1/deployments${query({ tenant_id: tenant })}`);
  return (
    <Page title="Deployments">
      <Loaded data={deployments.data} error={deployments.error} what="deployments">
        {(d) =>
          d.data.length === 0 ? (
            <Empty>No deployments yet (npx vendo deployments create …).</Empty>
          ) : (
            <ul class="deployments">
              {d.data.map((dep) => (
                <DeploymentItem key={dep.id} deployment={dep} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </Page>
  );
}

function DeploymentItem({ deployment }: { deployment: Deployment }): JSX.Element {
  const [open, setOpen] = useState(false);
  const env = useData<PageOf<EnvVar>>(open ? `/api/v1/deployments/${encodeURIComponent(deployment.id)}/env` : null);
  return (
    <li data-deployment-id={deployment.id}>
      <h2>{deployment.name}</h2>
      <p class="muted">
        {deployment.id} · created {when(deployment.created_at)} · token {deployment.token_prefix ?? "—"}…
      </p>
      <p>
        Connected to:{" "}
        {deployment.connections.length === 0
          ? "nothing yet"
          : deployment.connections.map((c) => `${c.integration} (${c.profile}, key ${c.api_key_prefix}…)`).join(", ")}
      </p>
      <button type="button" class="secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "Hide" : "Show"} injected env<span class="visually-hidden"> of {deployment.name}</span>
      </button>
      {open && (
        <Loaded data={env.data} error={env.error} what="env vars">
          {(e) => (
            <div class="table-wrap">
              <table data-testid="env-table">
                <caption>Env vars injected at boot (secret values masked)</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {e.data.map((v) => (
                    <tr key={v.name}>
                      <th scope="row">
                        <code>{v.name}</code>
                      </th>
                      <td>
                        <code>{v.value}</code> {v.secret && <span class="badge">secret</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      )}
    </li>
  );
}
