// Creating a key with its limits. Values go to the control API as typed; it validates them and its
// message (naming the field) is shown if it refuses, with nothing created.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, ApiError } from "../../api.js";
import type { CreatedKey, Integration } from "../../types.js";

export function CreateKeyForm(props: { tenant: string; integrations: Integration[]; onCreated(key: CreatedKey): void }): JSX.Element {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? "").trim();
    const body: Record<string, unknown> = {
      tenant_id: props.tenant,
      name: String(data.get("name") ?? ""),
      integration: text("integration") || "openrouter",
      limit_reset: text("limit_reset") || "none",
      fit_to_balance: data.get("fit_to_balance") === "on",
    };
    if (text("limit")) body.limit = text("limit");
    if (text("rpm")) body.rpm = Number(text("rpm"));
    if (text("models")) body.models = text("models").split(",").map((m) => m.trim()).filter(Boolean);
    setBusy(true);
    setError(null);
    try {
      const created = await api<CreatedKey>("POST", "/api/v1/keys", body);
      form.reset();
      props.onCreated(created);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="create-key" onSubmit={submit} aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create a key</h2>
      <div class="fields">
        <label>
          Name
          <input name="name" required autocomplete="off" />
        </label>
        <label>
          Integration
          <select name="integration">
            {(props.integrations.length ? props.integrations : [{ slug: "openrouter", name: "OpenRouter" }]).map((i) => (
              <option key={i.slug} value={i.slug}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Spending limit (USD)
          <input name="limit" inputMode="decimal" placeholder="none" autocomplete="off" />
        </label>
        <label>
          Limit resets
          <select name="limit_reset">
            <option value="none">never</option>
            <option value="daily">daily</option>
            <option value="weekly">weekly</option>
            <option value="monthly">monthly</option>
          </select>
        </label>
        <label>
          Requests per minute
          <input name="rpm" type="number" min={1} placeholder="no limit" />
        </label>
        <label>
          Allowed models (comma-separated)
          <input name="models" placeholder="all" autocomplete="off" />
        </label>
      </div>
      <label class="check">
        <input type="checkbox" name="fit_to_balance" /> Lower a call’s max_tokens to what is left instead of refusing it
      </label>
      {error && (
        <p class="error" role="alert" data-testid="create-key-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}
