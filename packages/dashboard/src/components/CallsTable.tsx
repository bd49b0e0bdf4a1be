// A table of calls; each request id links to the call's detail.
import type { JSX } from "preact";
import { displayUsd } from "../money.js";
import { Link } from "../router.js";
import type { Call } from "../types.js";
import { count, when } from "./format.js";

export function CallsTable(props: { tenant: string; calls: Call[]; keyNames: Map<string, string>; caption: string }): JSX.Element {
  return (
    <div class="table-wrap">
      <table class="calls" data-testid="calls-table">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Model</th>
            <th scope="col">Key</th>
            <th scope="col" class="num">
              Tokens in / out
            </th>
            <th scope="col" class="num">
              Cost
            </th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Latency
            </th>
            <th scope="col">Request · generation</th>
          </tr>
        </thead>
        <tbody>
          {props.calls.map((c) => (
            <tr key={c.request_id} data-request-id={c.request_id}>
              <td>{when(c.created_at)}</td>
              <td>{c.model ?? "—"}</td>
              <td>{props.keyNames.get(c.key_id) ?? c.key_id}</td>
              <td class="num">
                {count(c.prompt_tokens)} / {count(c.completion_tokens)}
              </td>
              <td class="num" data-charge={c.charge}>
                {displayUsd(c.charge)}
              </td>
              <td>
                <span class={`badge ${c.status === "ok" ? "ok" : "bad"}`}>{c.status}</span> <span class="muted">{c.http_status || ""}</span>
              </td>
              <td class="num">{count(c.latency_ms)} ms</td>
              <td class="ids">
                <Link href={`/dashboard/t/${props.tenant}/calls/${c.request_id}`} aria-label={`Call ${c.request_id} details`}>
                  {c.request_id}
                </Link>
                <br />
                <span class="muted">{c.generation_id ?? "no generation id"}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
