import assert from "node:assert/strict";
import { it } from "node:test";
import { Vendo, VendoError } from "../src/index.ts";

const modeOf = (env: Record<string, string>, deploymentId?: string) =>
  new Vendo(deploymentId === undefined ? { env } : { env, deploymentId }).mode;

it("is OSS mode with nothing set", () => assert.equal(modeOf({}), "oss"));
it("is Vendo mode with VENDO_MODE=vendo", () => assert.equal(modeOf({ VENDO_MODE: "vendo" }), "vendo"));
it("is Vendo mode with VENDO_DEPLOYMENT_ID set", () => assert.equal(modeOf({ VENDO_DEPLOYMENT_ID: "dep_1" }), "vendo"));
it("is Vendo mode with a deployment id passed in code", () => assert.equal(modeOf({}, "dep_1"), "vendo"));
it("treats empty values as unset", () => assert.equal(modeOf({ VENDO_MODE: "", VENDO_DEPLOYMENT_ID: "" }, ""), "oss"));
it("is OSS mode with VENDO_MODE=oss, even with a deployment id", () =>
  assert.equal(modeOf({ VENDO_MODE: "oss", VENDO_DEPLOYMENT_ID: "dep_1" }), "oss"));

it("rejects any other VENDO_MODE with INVALID_MODE", () => {
  assert.throws(
    () => modeOf({ VENDO_MODE: "Vendo" }),
    (err) => err instanceof VendoError && err.code === "INVALID_MODE" && /"Vendo"/.test(err.message),
  );
});

it("reads process.env when no env is passed", () => {
  const saved = process.env.VENDO_DEPLOYMENT_ID;
  process.env.VENDO_DEPLOYMENT_ID = "dep_from_process";
  try {
    assert.equal(new Vendo().mode, "vendo");
  } finally {
    if (saved === undefined) delete process.env.VENDO_DEPLOYMENT_ID;
    else process.env.VENDO_DEPLOYMENT_ID = saved;
  }
});
