// The published package: tsconfig.build.json emits .js + .d.ts for every source file and nothing
// else, imports nothing outside itself, and runs the seed page's TypeScript quickstart as written.
// Builds into a temp dir (the same config `npm run build -w @vendodev/sdk` uses) to leave dist alone.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const sdkDir = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const app = mkdtempSync(join(tmpdir(), "vendo-sdk-build-"));
const installed = join(app, "node_modules", "@vendodev", "sdk");
const dist = join(installed, "dist");

describe("the built @vendodev/sdk", () => {
  before(() => {
    mkdirSync(installed, { recursive: true });
    copyFileSync(join(sdkDir, "package.json"), join(installed, "package.json"));
    execFileSync(process.execPath, [tsc, "-p", join(sdkDir, "tsconfig.build.json"), "--outDir", dist], { stdio: "pipe" });
  });
  after(() => rmSync(app, { recursive: true, force: true }));

  it("has a .js and a .d.ts for every source file, and no tests", () => {
    const sources = readdirSync(join(sdkDir, "src")).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
    const emitted = readdirSync(dist).sort();
    assert.deepEqual(emitted, sources.flatMap((s) => [`${s}.d.ts`, `${s}.js`]).sort());
    assert.ok(!emitted.some((f) => f.includes("test")), emitted.join(", "));
  });

  it("has zero runtime dependencies: every import is relative", () => {
    for (const file of readdirSync(dist).filter((f) => f.endsWith(".js"))) {
      const specifiers = [...readFileSync(join(dist, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);
      for (const s of specifiers) assert.ok(s?.startsWith("./"), `${file} imports ${s}`);
    }
  });

  it("runs the seed page's TypeScript quickstart as written", () => {
    const quickstart = [
      'import { Vendo } from "@vendodev/sdk";',
      "",
      "const vendo = new Vendo();",
      "const openrouterToken = await vendo.token(\"openrouter\");",
      "console.log(openrouterToken);",
    ].join("\n");
    writeFileSync(join(app, "quickstart.mjs"), quickstart);
    const out = execFileSync(process.execPath, ["quickstart.mjs"], {
      cwd: app,
      env: { PATH: process.env.PATH, OPENROUTER_API_KEY: "vendo_sk_built" },
      encoding: "utf8",
    });
    assert.equal(out, "vendo_sk_built\n");
  });
});
