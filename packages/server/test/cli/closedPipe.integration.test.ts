// A reader that closes the pipe early (`vendo ledger | head -1`) ends every verb quietly: exit 0
// (or the verb's own failure code), no stack trace, no EPIPE message.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, it } from "node:test";
import { ADMIN_TOKEN, describeOnStores } from "../control/support/controlHarness.js";
import { cliEnv, repoRoot, vendoBin, type VendoResult } from "./support/runVendo.js";

const ENTRIES = 400;
const MEMO = "m".repeat(500);

/** Runs `vendo <args> | <reader>` in bash; `code` is vendo's own exit status (PIPESTATUS[0]). */
function throughPipe(args: string[], reader: string, env: NodeJS.ProcessEnv): Promise<VendoResult> {
  const quoted = [process.execPath, vendoBin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const script = `${quoted} | ${reader}; echo "vendo-exit=\${PIPESTATUS[0]}" >&2`;
  return new Promise((resolve) => {
    execFile("bash", ["-c", script], { env, cwd: repoRoot, timeout: 60_000, maxBuffer: 1 << 24 }, (_err, stdout, stderr) => {
      const exit = /vendo-exit=(\d+)\n$/.exec(stderr);
      resolve({ code: exit ? Number(exit[1]) : -1, stdout, stderr: stderr.replace(/vendo-exit=\d+\n$/, "") });
    });
  });
}

/** Runs `vendo <args>` with its stdout's read end closed before it can write a byte. */
function withClosedStdout(args: string[], env: NodeJS.ProcessEnv): Promise<VendoResult> {
  const child = spawn(process.execPath, [vendoBin, ...args], { env, cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : 1), stdout: "", stderr }));
  });
}

function assertQuiet(r: VendoResult, what: string): void {
  assert.ok(!/\bat \S+:\d+/.test(r.stderr), `${what}: no stack trace, got: ${r.stderr}`);
  assert.ok(!/EPIPE|ERR_STREAM_DESTROYED/.test(r.stderr), `${what}: no EPIPE message, got: ${r.stderr}`);
}

describeOnStores("vendo with a closed output pipe", (h) => {
  let env: NodeJS.ProcessEnv;
  let tenant: string;
  before(async () => {
    env = cliEnv({ VENDO_API_URL: h().url, VENDO_ADMIN_TOKEN: ADMIN_TOKEN });
    tenant = (await h().tenant("piped")).id;
    // ~300 KB of table: far more than a pipe holds, so the reader is gone while vendo still writes.
    for (let i = 0; i < ENTRIES; i++) {
      const res = await h().call("POST", `/api/v1/tenants/${tenant}/credits`, { body: { amount: "0.01", memo: MEMO }, headers: { "idempotency-key": `pipe-${i}` } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });

  it("`vendo ledger | head -1` prints the header line and exits 0 without a stack trace", async () => {
    for (const json of [false, true]) {
      const args = ["ledger", "--tenant", tenant, "--limit", String(ENTRIES), ...(json ? ["--json"] : [])];
      const r = await throughPipe(args, "head -1", env);
      assert.equal(r.code, 0, r.stderr);
      assertQuiet(r, args.join(" "));
      assert.equal(r.stderr, "");
      if (json) assert.equal(r.stdout, "{\n");
      else assert.match(r.stdout, /^ID\s+KIND\s+AMOUNT\s+REQUEST_ID\s+MEMO\s+CREATED_AT\n$/);
    }
    // The same output read in full: what head cut short is really there.
    const full = await throughPipe(["ledger", "--tenant", tenant, "--limit", String(ENTRIES)], "wc -l", env);
    assert.equal(full.code, 0);
    assert.equal(Number(full.stdout.trim()), ENTRIES + 1);
  });

  it("every kind of verb exits quietly when nobody reads its output", async () => {
    const verbs: string[][] = [
      ["ledger", "--tenant", tenant],
      ["usage", "--tenant", tenant],
      ["tenants", "list", "--json"],
      ["tenants", "get", tenant],
      ["docs", "openrouter"],
      ["--help"],
    ];
    for (const args of verbs) {
      const r = await withClosedStdout(args, env);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assertQuiet(r, args.join(" "));
    }
  });

  it("a verb that fails keeps its exit code and its one error line", async () => {
    const r = await withClosedStdout(["tenants", "get", "ten_missing"], env);
    assert.equal(r.code, 1);
    assertQuiet(r, "tenants get ten_missing");
    assert.match(r.stderr, /^vendo: error: .*Tenant ten_missing not found.*\n$/);
  });

  it("a long-running verb (sandbox, start) shuts down and exits 0 once its output closes", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "vendo-pipe-"));
    try {
      for (const args of [["sandbox", "--port", "0"], ["start", "--port", "0", "--data-dir", dataDir]]) {
        const r = await withClosedStdout(args, env);
        assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
        assertQuiet(r, args[0] ?? "");
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
