// One process owns an SQLite store (docs/money.md, invariant 2): a second server on the same file
// would take the first one's live holds for orphans. It is refused before it touches the store —
// in process with StoreOwnedError, from the CLI with one clear line and exit code 1 — and the store
// is free again once its owner stops, even when it was killed (the operating system drops the lock).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startServer } from "../../src/app.js";
import { StartupError } from "../../src/startupError.js";
import { startChildServer } from "../support/childServer.js";
import { cliEnv, runVendo } from "../cli/support/runVendo.js";
import { TEST_SECRET_KEY } from "../support/world.js";

describe("one server process per SQLite store", () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), "vendo-owner-"));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const options = () => ({ port: 0, dataDir, secretKey: TEST_SECRET_KEY, logLevel: "silent" });

  it("invariant 2: a second server on the same file is refused, and can start once the first has stopped", async () => {
    const first = await startServer(options());
    try {
      await assert.rejects(startServer(options()), (error: unknown) => {
        assert.ok(error instanceof StartupError, String(error));
        assert.match(error.message, new RegExp(`already served by process ${process.pid}: stop it first, or give this server its own --data-dir`));
        return true;
      });
    } finally {
      await first.close();
    }
    const again = await startServer(options());
    await again.close();
  });

  it("invariant 2: `vendo start` on a store another process serves prints one line and exits 1; after that process is killed -9 the store is free", async () => {
    const owner = await startChildServer({ dataDir, secretKey: TEST_SECRET_KEY });
    const env = cliEnv({ VENDO_SECRET_KEY: TEST_SECRET_KEY });
    const refused = await runVendo(["start", "--port", "0", "--data-dir", dataDir], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`already served by process ${owner.child.pid}`));
    assert.equal(refused.stderr.trim().split("\n").length, 1, `one line, no stack trace: ${refused.stderr}`);
    owner.child.kill("SIGKILL");
    await new Promise((resolve) => owner.child.once("exit", resolve));
    const next = await startServer(options());
    await next.close();
  });
});
