// Recent calls, filterable by model, key and status. The first page refreshes every second (a call
// made meanwhile appears); older pages load on demand.
import type { JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import { api, ApiError, query } from "../../api.js";
import { CallsTable } from "../../components/CallsTable.js";
import { Page } from "../../components/Page.js";
import { Empty, ErrorNote, Loaded } from "../../components/status.js";
import type { Call, Key, Page as PageOf, TenantSpend } from "../../types.js";
import { useData } from "../../useData.js";

const STATUSES = [
  ["", "any status"],
  ["ok", "ok"],
  ["not_ok", "anything but ok"],
  ["upstream_error", "upstream_error"],
  ["client_aborted", "client_aborted"],
  ["reconciled", "reconciled"],
  ["backfilled", "backfilled"],
] as const;

export function Calls({ tenant }: { tenant: string }): JSX.Element {
  const base = `/api/v1/tenants/${encodeURIComponent(tenant)}`;
  const [filters, setFilters] = useState({ model: "", key_id: "", status: "" });
  const first = useData<PageOf<Call>>(`${base}/calls${query({ limit: 50, ...filters })}`, 1000);
  const keys = useData<PageOf<Key>>(`/api/v1/keys${query({ tenant_id: tenant, include_deleted: "true" })}`);
  const spend = useData<TenantSpend>(`${base}/spend${query({ days: 90 })}`);
  const [older, setOlder] = useState<{ calls: Call[]; cursor: string | null; filters: string } | null>(null);
  const [olderError, setOlderError] = useState<string | null>(null);
  const keyNames = useMemo(() => new Map((keys.data?.data ?? []).map((k) => [k.id, k.name])), [keys.data]);
  const filterKey = JSON.stringify(filters);
  const olderHere = older && older.filters === filterKey ? older : null;

  const loadOlder = async () => {
    const cursor = olderHere ? olderHere.cursor : first.data?.next_cursor;
    if (!cursor) return;
    setOlderError(null);
    try {
      const page = await api<PageOf<Call>>("GET", `${base}/calls${query({ limit: 50, ...filters, cursor })}`);
      setOlder({ calls: [...(olderHere?.calls ?? []), ...page.data], cursor: page.next_cursor, filters: filterKey });
    } catch (err) {
      setOlderError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const set = (name: keyof typeof filters) => (e: Event) => setFilters({ ...filters, [name]: (e.target as HTMLSelectElement).value });

  return (
    <Page title="Calls">
      <form class="filters" aria-label="Filter calls" onSubmit={(e) => e.preventDefault()}>
        <label>
          Model
          <select name="model" value={filters.model} onChange={set("model")}>
            <option value="">any model</option>
            {(spend.data?.by_model ?? [])
              .filter((m) => m.group !== "")
              .map((m) => (
                <option key={m.group} value={m.group}>
                  {m.label}
                </option>
              ))}
          </select>
        </label>
        <label>
          Key
          <select name="key_id" value={filters.key_id} onChange={set("key_id")}>
            <option value="">any key</option>
            {(keys.data?.data ?? []).map((k) => (
              <option key={k.id} value={k.id}>
                {k.name} ({k.prefix}…)
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" value={filters.status} onChange={set("status")}>
            {STATUSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Loaded data={first.data} error={first.error} what="calls">
        {(page) => {
          const calls = [...page.data, ...(olderHere?.calls ?? [])];
          const more = olderHere ? olderHere.cursor : page.next_cursor;
          return calls.length === 0 ? (
            <Empty>No calls match.</Empty>
          ) : (
            <>
              <CallsTable tenant={tenant} calls={calls} keyNames={keyNames} caption="Calls, newest first (the newest refresh every second)" />
              {olderError && <ErrorNote error={olderError} />}
              {more && (
                <button type="button" class="secondary" onClick={loadOlder}>
                  Load older calls
                </button>
              )}
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}
