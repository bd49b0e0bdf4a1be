import assert from "node:assert/strict";
import { VendoError, type VendoErrorCode } from "../src/index.ts";

/** Awaits `promise` and checks it rejected with `code` and a message matching every pattern. */
export async function rejectsWith(promise: Promise<unknown>, code: VendoErrorCode, ...patterns: RegExp[]): Promise<VendoError> {
  let caught: unknown;
  await promise.then(
    (value) => assert.fail(`expected ${code}, resolved to ${JSON.stringify(value)}`),
    (err: unknown) => (caught = err),
  );
  assert.ok(caught instanceof VendoError, String(caught));
  assert.equal(caught.code, code, caught.message);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}
