import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { it } from "node:test";
import { formatEnv } from "../../src/cli/envFormat.js";
import { maskSecret } from "../../src/control/routes/deployments/deploymentEnv.js";

const vars = [
  { name: "PLAIN", value: "http://127.0.0.1:8080/proxy/openrouter/v1" },
  { name: "TRICKY", value: `it's "quoted" $HOME\nnext` },
];

it("renders env vars as dotenv, shell and JSON", () => {
  assert.equal(formatEnv(vars.slice(0, 1), "dotenv"), "PLAIN=http://127.0.0.1:8080/proxy/openrouter/v1");
  assert.equal(formatEnv(vars.slice(0, 1), "shell"), "export PLAIN=http://127.0.0.1:8080/proxy/openrouter/v1");
  assert.deepEqual(JSON.parse(formatEnv(vars, "json")), { PLAIN: vars[0]?.value, TRICKY: vars[1]?.value });
  assert.equal(formatEnv(vars.slice(1), "dotenv"), `TRICKY=${JSON.stringify(vars[1]?.value)}`);
});

it("quotes shell values so a shell reads them back exactly", () => {
  const script = `${formatEnv(vars, "shell")}\nprintf '%s|%s' "$PLAIN" "$TRICKY"`;
  assert.equal(execFileSync("sh", ["-c", script], { encoding: "utf8" }), `${vars[0]?.value}|${vars[1]?.value}`);
});

it("masks a secret to a recognisable prefix, never more than a third of it", () => {
  assert.equal(maskSecret("vendo_sk_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"), "vendo_sk_AbCd…");
  assert.equal(maskSecret("short-secret"), "shor…");
  assert.equal(maskSecret("abc"), "a…");
});
