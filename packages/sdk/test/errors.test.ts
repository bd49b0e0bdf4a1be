// One list of error codes: the TypeScript SDK, the Python SDK and docs/two-modes.md must agree.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { VENDO_ERROR_CODES, VendoError } from "../src/index.ts";

const repo = new URL("../../../", import.meta.url);

it("docs/two-modes.md documents exactly the SDK's error codes, in order", () => {
  const doc = readFileSync(new URL("docs/two-modes.md", repo), "utf8");
  const errors = doc.slice(doc.indexOf("## Errors"));
  const documented = [...errors.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented, [...VENDO_ERROR_CODES]);
});

it("the Python SDK raises the same codes", () => {
  const python = readFileSync(new URL("sdks/python/vendo/_errors.py", repo), "utf8");
  const tuple = /^CODES = \(([\s\S]*?)\)$/m.exec(python)?.[1] ?? "";
  assert.deepEqual([...tuple.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]), [...VENDO_ERROR_CODES]);
});

it("VendoError keeps its code, name and cause", () => {
  const cause = new Error("socket hang up");
  const err = new VendoError("CONTROL_API_FAILED", "failed", { cause });
  assert.equal(err.code, "CONTROL_API_FAILED");
  assert.equal(err.name, "VendoError");
  assert.equal(err.cause, cause);
  assert.ok(err instanceof Error);
});
