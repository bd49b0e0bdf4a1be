import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSandboxArgs, runSandboxCli, SandboxArgsError } from "../src/cli.ts";

describe("parseSandboxArgs", () => {
  it("reads port, host and keys", () => {
    assert.deepEqual(parseSandboxArgs([]), {});
    assert.deepEqual(parseSandboxArgs(["--port", "8787", "--keys", "k1, k2"]), { port: 8787, keys: [{ key: "k1" }, { key: "k2" }] });
    assert.deepEqual(parseSandboxArgs(["--host=0.0.0.0", "--port=0"]), { host: "0.0.0.0", port: 0 });
    assert.deepEqual(parseSandboxArgs(["--keys", "a", "--limit", "0.5", "--rpm", "60"]), { keys: [{ key: "a", limitUsd: "0.5", rpm: 60 }] });
    assert.deepEqual(parseSandboxArgs(["--rpm", "10"]), { keys: [{ key: "sk-or-v1-sandbox", rpm: 10 }] });
    assert.equal(parseSandboxArgs(["--help"]).help, true);
  });

  it("fails on bad arguments", () => {
    for (const argv of [["--port"], ["--port", "x"], ["--port", "70000"], ["--keys", ","], ["--rpm", "0"], ["--what"], ["--port", "--keys"]]) {
      assert.throws(() => parseSandboxArgs(argv), SandboxArgsError, argv.join(" "));
    }
  });
});

describe("runSandboxCli", () => {
  it("starts a sandbox and prints where", async () => {
    const lines: string[] = [];
    const sandbox = await runSandboxCli(["--port", "0", "--keys", "cli-key"], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    assert.ok(sandbox);
    try {
      assert.match(lines.join("\n"), new RegExp(`listening on ${sandbox.url}`));
      assert.match(lines.join("\n"), /keys: {5}cli-key/);
      for (const slug of ["openai", "anthropic", "tavily"]) assert.ok(lines.includes(`  ${`${slug}:`.padEnd(10)}${sandbox.url}/${slug}`), `${slug}'s base URL in:\n${lines.join("\n")}`);
      const res = await fetch(`${sandbox.baseUrl}/key`, { headers: { authorization: "Bearer cli-key" } });
      assert.equal(res.status, 200);
    } finally {
      await sandbox.close();
    }
  });

  it("prints usage for --help", async () => {
    const lines: string[] = [];
    assert.equal(await runSandboxCli(["--help"], { out: (l) => lines.push(l), err: () => {} }), undefined);
    assert.match(lines[0] ?? "", /^Usage: vendo sandbox/);
  });
});
