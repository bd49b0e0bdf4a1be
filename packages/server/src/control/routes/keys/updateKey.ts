import type { ApiKeysTable } from "../../../store/schema.js";
import { endpoints } from "../../contract/index.js";
import { defineRoute } from "../../defineRoute.js";
import { controlError } from "../../errors.js";
import { changeKey, findLiveKey } from "./findKey.js";
import { keyViewOf } from "./keyView.js";

export const updateKey = defineRoute(endpoints.updateKey, async ({ params, body, caller }, ctx) => {
  const row = await findLiveKey(ctx, caller, params.id);
  const set: Partial<ApiKeysTable> = {};
  if (body.name !== undefined) set.name = body.name;
  if (body.limit !== undefined) set.limit_amount = body.limit;
  if (body.limit_reset !== undefined) set.limit_reset = body.limit_reset;
  if (body.rpm !== undefined) set.rpm = body.rpm === null ? null : BigInt(body.rpm);
  if (body.tpm !== undefined) set.tpm = body.tpm === null ? null : BigInt(body.tpm);
  if (body.models !== undefined) set.models = body.models === null ? null : JSON.stringify(body.models);
  if (body.allowed_origins !== undefined) set.allowed_origins = body.allowed_origins === null ? null : JSON.stringify(body.allowed_origins);
  if (body.expires_at !== undefined) {
    if (body.expires_at !== null && body.expires_at <= Date.now()) {
      throw controlError("invalid_request", "Invalid body.expires_at: must be in the future (disable the key to stop it now).");
    }
    set.expires_at = body.expires_at === null ? null : BigInt(body.expires_at);
  }
  if (body.fit_to_balance !== undefined) set.fit_to_balance = body.fit_to_balance ? 1n : 0n;
  if (body.disabled !== undefined) set.disabled_at = body.disabled ? (row.disabled_at ?? BigInt(Date.now())) : null;
  return keyViewOf(ctx, await changeKey(ctx, row, set));
});
