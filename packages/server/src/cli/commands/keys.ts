// vendo keys create|list|get|update|disable|delete: the tenant's vendo_sk_ proxy keys.
import type { Command } from "commander";
import type { z } from "zod";
import { endpoints, type keyView } from "../../control/contract/index.js";
import { limitReset as limitResetSchema } from "../../control/contract/keys.js";
import { CliError } from "../cliError.js";
import type { CliContext } from "../context.js";

type KeyView = z.output<typeof keyView>;

// The contract's own values, so the CLI and the API cannot disagree.
const LIMIT_RESETS = limitResetSchema.options;
type LimitResetOption = (typeof LIMIT_RESETS)[number];

function limitReset(value: string): LimitResetOption {
  if (!(LIMIT_RESETS as readonly string[]).includes(value)) throw new CliError(`--limit-reset must be one of ${LIMIT_RESETS.join(", ")}.`);
  return value as LimitResetOption;
}

function positiveInt(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new CliError(`${flag} expects a whole number ≥ 1, got "${value}".`);
    return Number(value);
  };
}

const list = (value: string) => value.split(",").map((s) => s.trim()).filter(Boolean);
const orNull = <T>(value: string, clear: string, parse: (v: string) => T): T | null => (value === clear ? null : parse(value));

function keyRow(k: KeyView) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    integration: k.integration,
    deployment: k.deployment_id,
    limit: k.limit === null ? null : `${k.limit}/${k.limit_reset}`,
    usage: k.usage,
    remaining: k.limit_remaining,
    rpm: k.rpm,
    tpm: k.tpm,
    state: k.deleted_at ? "deleted" : k.disabled ? "disabled" : k.expires_at && Date.parse(k.expires_at) <= Date.now() ? "expired" : "active",
  };
}
const columns = ["id", "name", "prefix", "integration", "deployment", "limit", "usage", "remaining", "rpm", "tpm", "state"];

export function registerKeys(program: Command, cli: CliContext): void {
  const keys = program.command("keys").description("Vendo-issued proxy keys (vendo_sk_): limits, rpm, models, allowed origins, expiry.");
  const show = (k: KeyView, json: boolean | undefined) => (json ? cli.out.json(k) : cli.out.fields(Object.entries({ ...keyRow(k), models: k.models?.join(","), allowed_origins: k.allowed_origins?.join(","), expires_at: k.expires_at, updated_at: k.updated_at })));

  keys
    .command("create")
    .description("Mint a key; the plaintext is printed once.")
    .requiredOption("--name <name>", "a label")
    .option("--integration <slug>", "the integration it calls", "openrouter")
    .option("--tenant <id>", "the tenant (required with the admin token)")
    .option("--deployment <id>", "bind it to a deployment")
    .option("--limit <usd>", "spending limit per period, e.g. 5.00")
    .option("--limit-reset <period>", "daily, weekly, monthly or none", limitReset)
    .option("--rpm <n>", "requests per minute", positiveInt("--rpm"))
    .option("--tpm <n>", "tokens per minute", positiveInt("--tpm"))
    .option("--models <ids>", "comma-separated allowed models", list)
    .option("--allowed-origins <origins>", 'comma-separated web origins a browser app may call from (CORS), e.g. https://app.example.com, or "*"', list)
    .option("--fit-to-balance", "lower a call's max_tokens to what the key or balance can still afford instead of refusing it (402)")
    .option("--expires-at <iso>", "expiry date-time (ISO 8601)")
    .option("--json", "print JSON")
    .action(async (opts: { name: string; integration: string; tenant?: string; deployment?: string; limit?: string; limitReset?: LimitResetOption; rpm?: number; tpm?: number; models?: string[]; allowedOrigins?: string[]; fitToBalance?: boolean; expiresAt?: string; json?: boolean }, cmd: Command) => {
      const created = await cli.client(cmd).call(endpoints.createKey, {
        body: {
          name: opts.name,
          integration: opts.integration,
          ...(opts.tenant !== undefined && { tenant_id: opts.tenant }),
          ...(opts.deployment !== undefined && { deployment_id: opts.deployment }),
          ...(opts.limit !== undefined && { limit: opts.limit }),
          ...(opts.limitReset !== undefined && { limit_reset: opts.limitReset }),
          ...(opts.rpm !== undefined && { rpm: opts.rpm }),
          ...(opts.tpm !== undefined && { tpm: opts.tpm }),
          ...(opts.models !== undefined && { models: opts.models }),
          ...(opts.allowedOrigins !== undefined && { allowed_origins: opts.allowedOrigins }),
          ...(opts.fitToBalance && { fit_to_balance: true }),
          ...(opts.expiresAt !== undefined && { expires_at: opts.expiresAt }),
        },
      });
      if (opts.json) return cli.out.json(created);
      cli.out.line(created.key);
      cli.out.line(cli.out.dim(`Key ${created.id} (${created.integration}): shown once, store it now.`));
    });

  keys
    .command("list")
    .description("Keys with usage (prefix only; plaintexts are never stored).")
    .option("--tenant <id>", "only this tenant's keys")
    .option("--deployment <id>", "only this deployment's keys")
    .option("--all", "include deleted keys")
    .option("--json", "print JSON")
    .action(async (opts: { tenant?: string; deployment?: string; all?: boolean; json?: boolean }, cmd: Command) => {
      const { data } = await cli.client(cmd).call(endpoints.listKeys, {
        query: {
          ...(opts.tenant !== undefined && { tenant_id: opts.tenant }),
          ...(opts.deployment !== undefined && { deployment_id: opts.deployment }),
          ...(opts.all && { include_deleted: "true" as const }),
        },
      });
      if (opts.json) cli.out.json(data);
      else cli.out.table(data.map(keyRow), columns);
    });

  keys
    .command("get <key>")
    .description("One key with its usage.")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => show(await cli.client(cmd).call(endpoints.getKey, { params: { id } }), opts.json));

  keys
    .command("update <key>")
    .description('Change a key; the proxy applies it within a second. "none", "all", "never" clear a field.')
    .option("--name <name>", "new label")
    .option("--limit <usd|none>", "spending limit per period")
    .option("--limit-reset <period>", "daily, weekly, monthly or none", limitReset)
    .option("--rpm <n|none>", "requests per minute")
    .option("--tpm <n|none>", "tokens per minute")
    .option("--models <ids|all>", "comma-separated allowed models")
    .option("--allowed-origins <origins|none>", "comma-separated web origins a browser app may call from (CORS)")
    .option("--fit-to-balance <on|off>", "lower a call's max_tokens to what the key or balance can still afford instead of refusing it (402)")
    .option("--expires-at <iso|never>", "expiry")
    .option("--enable", "re-enable a disabled key")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { name?: string; limit?: string; limitReset?: LimitResetOption; rpm?: string; tpm?: string; models?: string; allowedOrigins?: string; fitToBalance?: string; expiresAt?: string; enable?: boolean; json?: boolean }, cmd: Command) => {
      const body = {
        ...(opts.name !== undefined && { name: opts.name }),
        ...(opts.limit !== undefined && { limit: orNull(opts.limit, "none", (v) => v) }),
        ...(opts.limitReset !== undefined && { limit_reset: opts.limitReset }),
        ...(opts.rpm !== undefined && { rpm: orNull(opts.rpm, "none", positiveInt("--rpm")) }),
        ...(opts.tpm !== undefined && { tpm: orNull(opts.tpm, "none", positiveInt("--tpm")) }),
        ...(opts.models !== undefined && { models: orNull(opts.models, "all", list) }),
        ...(opts.allowedOrigins !== undefined && { allowed_origins: orNull(opts.allowedOrigins, "none", list) }),
        ...(opts.fitToBalance !== undefined && { fit_to_balance: onOff(opts.fitToBalance, "--fit-to-balance") }),
        ...(opts.expiresAt !== undefined && { expires_at: orNull(opts.expiresAt, "never", (v) => v) }),
        ...(opts.enable && { disabled: false }),
      };
      if (Object.keys(body).length === 0) throw new CliError("Nothing to change: give at least one option (see vendo keys update --help).");
      show(await cli.client(cmd).call(endpoints.updateKey, { params: { id }, body }), opts.json);
    });

  for (const [verb, endpoint, what] of [
    ["disable", endpoints.disableKey, "Disable a key (vendo keys update --enable undoes it)."],
    ["delete", endpoints.deleteKey, "Delete a key for good."],
  ] as const) {
    keys
      .command(`${verb} <key>`)
      .description(what)
      .option("--json", "print JSON")
      .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
        const k = await cli.client(cmd).call(endpoint, { params: { id } });
        if (opts.json) cli.out.json(k);
        else cli.out.line(`${k.id} is ${keyRow(k).state}.`);
      });
  }
}

function onOff(value: string, flag: string): boolean {
  if (value === "on" || value === "off") return value === "on";
  throw new CliError(`${flag} expects on or off, got "${value}".`);
}
