import assert from "node:assert/strict";
import { it } from "node:test";
import { controlError, controlErrorStatus, type ControlErrorKind } from "../../src/control/errors.js";

it("every control error kind has an HTTP error status and makes an OpenRouter-shaped body through one factory", () => {
  for (const kind of Object.keys(controlErrorStatus) as ControlErrorKind[]) {
    const status = controlErrorStatus[kind];
    assert.ok(status >= 400 && status <= 599, kind);
    const err = controlError(kind, `about ${kind}`);
    assert.equal(err.kind, kind);
    assert.equal(err.status, status);
    assert.deepEqual(err.toBody(), { error: { code: status, message: `about ${kind}` } });
  }
});

it("keeps kinds in snake_case so they can be documented and branched on", () => {
  for (const kind of Object.keys(controlErrorStatus)) assert.match(kind, /^[a-z]+(_[a-z]+)*$/);
});
