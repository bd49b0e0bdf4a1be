// A tenant's keys: create one with its limits (its secret is shown once, right here), disable,
// enable or delete one. Every change goes through the control API; its message is shown as is.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, ApiError, query } from "../../api.js";
import { when } from "../../components/format.js";
import { Page } from "../../components/Page.js";
import { Empty, ErrorNote, Loaded } from "../../components/status.js";
import { displayUsd } from "../../money.js";
import type { CreatedKey, Integration, Key, Page as PageOf } from "../../types.js";
import { useData } from "../../useData.js";
import { CreateKeyForm } from "./CreateKeyForm.js";

export function Keys({ tenant }: { tenant: string; operator: boolean }): JSX.Element {
  const keys = useData<PageOf<Key>>(`/api/v1/keys${query({ tenant_id: tenant })}`, 2000);
  const integrations = useData<PageOf<Integration>>("/api/v1/integrations");
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const act = async (what: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await what();
      await keys.reload();
    } catch (err) {
      setActionError(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <Page title="Keys">
      {created && <NewKeySecret created={created} onDone={() => setCreated(null)} />}
      <CreateKeyForm
        tenant={tenant}
        integrations={integrations.data?.data ?? []}
        onCreated={(k) => {
          setCreated(k);
          void keys.reload();
        }}
      />
      <h2>Your keys</h2>
      {actionError && <ErrorNote error={actionError} />}
      <Loaded data={keys.data} error={keys.error} what="keys">
        {(k) =>
          k.data.length === 0 ? (
            <Empty>No keys yet: create one above.</Empty>
          ) : (
            <div class="table-wrap">
              <table data-testid="keys-table">
                <caption class="visually-hidden">Keys with their limits and usage</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Key</th>
                    <th scope="col">Limit</th>
                    <th scope="col" class="num">
                      Used this period
                    </th>
                    <th scope="col" class="num">
                      Used in all
                    </th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {k.data.map((key) => (
                    <tr key={key.id} data-key-id={key.id}>
                      <th scope="row">{key.name}</th>
                      <td>
                        <code>{key.prefix}…</code>
                        <br />
                        <span class="muted">{key.integration}</span>
                      </td>
                      <td>{key.limit === null ? "none" : `${displayUsd(key.limit)} (${key.limit_reset})`}</td>
                      <td class="num">{displayUsd(key.period_usage)}</td>
                      <td class="num">{displayUsd(key.usage)}</td>
                      <td>
                        <span class={`badge ${key.disabled ? "bad" : "ok"}`}>{key.disabled ? "disabled" : "active"}</span>
                      </td>
                      <td>{when(key.created_at)}</td>
                      <td class="actions">
                        {key.disabled ? (
                          <button type="button" class="secondary" onClick={() => act(() => api("PATCH", `/api/v1/keys/${key.id}`, { disabled: false }))}>
                            Enable<span class="visually-hidden"> {key.name}</span>
                          </button>
                        ) : (
                          <button type="button" class="secondary" onClick={() => act(() => api("POST", `/api/v1/keys/${key.id}/disable`))}>
                            Disable<span class="visually-hidden"> {key.name}</span>
                          </button>
                        )}
                        {confirming === key.id ? (
                          <>
                            <button type="button" class="danger" onClick={() => act(() => api("DELETE", `/api/v1/keys/${key.id}`)).then(() => setConfirming(null))}>
                              Confirm delete<span class="visually-hidden"> {key.name}</span>
                            </button>
                            <button type="button" class="secondary" onClick={() => setConfirming(null)}>
                              Cancel
                            </button>
                          </>
                        ) : (
                          <button type="button" class="secondary" onClick={() => setConfirming(key.id)}>
                            Delete<span class="visually-hidden"> {key.name}</span>
                          </button>
                        )}
                      </td>
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

/** The new key's secret, shown this once: Vendo keeps only its hash. */
function NewKeySecret({ created, onDone }: { created: CreatedKey; onDone(): void }): JSX.Element {
  const [copied, setCopied] = useState(false);
  return (
    <section class="secret" aria-labelledby="new-key-title" data-testid="new-key">
      <h2 id="new-key-title">Key “{created.name}” created</h2>
      <p>Copy it now. Vendo stores only its hash and will never show it again.</p>
      <p>
        <code data-testid="new-key-secret">{created.key}</code>
      </p>
      <button
        type="button"
        onClick={() =>
          navigator.clipboard?.writeText(created.key).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? "Copied" : "Copy key"}
      </button>{" "}
      <button type="button" class="secondary" onClick={onDone}>
        I have saved it
      </button>
    </section>
  );
}
