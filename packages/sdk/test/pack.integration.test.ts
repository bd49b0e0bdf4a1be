// The published package (issue 15): `npm pack` of @vendodev/sdk, installed offline into an empty
// folder, runs the quickstart as ESM and as CommonJS, in OSS mode and in Vendo mode (injected env,
// and the control API lookup over loopback), and its types compile for both kinds of consumer.
// The tarball is made from dist, which must equal a fresh build of src (else: npm run build).
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { envList, startControlApi, type FakeControlApi } from "./controlApiServer.ts";

const sdkDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const work = mkdtempSync(join(tmpdir(), "vendo-sdk-pack-"));
const app = join(work, "app");
const installed = join(app, "node_modules", "@vendodev", "sdk");
const PROXY = "https://openrouter-proxy.vendo.run/v1";

/** Every file under a folder, relative to it, sorted. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const ESM_QUICKSTART = `import { Vendo } from "@vendodev/sdk";

const vendo = new Vendo();
const openrouterToken = await vendo.token("openrouter");
console.log(JSON.stringify({ mode: vendo.mode, token: openrouterToken, baseUrl: await vendo.baseUrl("openrouter") }));
`;

const CJS_QUICKSTART = `const { Vendo } = require("@vendodev/sdk");

const vendo = new Vendo();
Promise.all([vendo.token("openrouter"), vendo.baseUrl("openrouter")]).then(([token, baseUrl]) => {
  console.log(JSON.stringify({ mode: vendo.mode, token, baseUrl }));
});
`;

describe("the packed @vendodev/sdk, installed from its tarball into an empty folder", () => {
  let tarball = "";
  let controlApi: FakeControlApi;

  before(async () => {
    controlApi = await startControlApi();
    const packed = execFileSync("npm", ["pack", "-w", "@vendodev/sdk", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: repoRoot, encoding: "utf8" });
    tarball = join(work, (JSON.parse(packed) as Array<{ filename: string }>)[0]?.filename ?? "");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "quickstart-app", private: true }));
    // --offline: the package has no dependencies, so nothing may come from a registry.
    execFileSync("npm", ["install", tarball, "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app, stdio: "pipe" });
    writeFileSync(join(app, "quickstart.mjs"), ESM_QUICKSTART);
    writeFileSync(join(app, "quickstart.cjs"), CJS_QUICKSTART);
  });
  after(async () => {
    await controlApi?.close();
    rmSync(work, { recursive: true, force: true });
  });

  // Asynchronous: the fake control API answers from this process while the quickstart runs.
  const quickstart = async (file: string, env: Record<string, string>) => {
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: app, env: { PATH: process.env.PATH, ...env }, encoding: "utf8" });
    return JSON.parse(stdout) as Record<string, string>;
  };

  it("packs dist as a fresh build of src makes it, with the README and no tests", () => {
    const fresh = join(work, "fresh");
    execFileSync(process.execPath, [join(sdkDir, "scripts/build.mjs"), "--out-dir", fresh], { stdio: "pipe" });
    const dist = join(sdkDir, "dist");
    assert.deepEqual(filesIn(dist), filesIn(fresh), "dist is stale: run npm run build -w @vendodev/sdk");
    for (const f of filesIn(fresh)) assert.equal(readFileSync(join(dist, f), "utf8"), readFileSync(join(fresh, f), "utf8"), `dist/${f} is stale: run npm run build -w @vendodev/sdk`);

    const sources = readdirSync(join(sdkDir, "src")).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
    const perBuild = sources.flatMap((s) => [`${s}.d.ts`, `${s}.js`]);
    assert.deepEqual(filesIn(installed), ["README.md", ...perBuild.map((f) => `dist/cjs/${f}`), "dist/cjs/package.json", ...perBuild.map((f) => `dist/esm/${f}`), "package.json"].sort());
    assert.ok(!filesIn(installed).some((f) => f.includes("test")));
  });

  it("has zero runtime dependencies: none declared, and every import is relative", () => {
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Record<string, unknown>;
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) assert.equal(manifest[field], undefined, field);
    for (const file of filesIn(join(installed, "dist")).filter((f) => f.endsWith(".js"))) {
      const text = readFileSync(join(installed, "dist", file), "utf8");
      const specifiers = [...text.matchAll(/(?:from|import|require)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);
      for (const s of specifiers) assert.ok(s?.startsWith("./"), `${file} imports ${s}`);
    }
  });

  for (const [system, file] of [["ESM", "quickstart.mjs"], ["CommonJS", "quickstart.cjs"]] as const) {
    it(`runs the quickstart as ${system} in OSS mode`, async () => {
      assert.deepEqual(await quickstart(file, { OPENROUTER_API_KEY: "sk-or-own-key" }), {
        mode: "oss",
        token: "sk-or-own-key",
        baseUrl: "https://openrouter.ai/api/v1",
      });
    });

    it(`runs the quickstart as ${system} in Vendo mode, from the injected env`, async () => {
      assert.deepEqual(await quickstart(file, { VENDO_MODE: "vendo", VENDO_DEPLOYMENT_ID: "dep_1", OPENROUTER_API_KEY: "vendo_sk_injected", OPENROUTER_BASE_URL: PROXY }), {
        mode: "vendo",
        token: "vendo_sk_injected",
        baseUrl: PROXY,
      });
    });

    it(`runs the quickstart as ${system} in Vendo mode, asking the control API`, async () => {
      controlApi.answer(envList([{ name: "OPENROUTER_API_KEY", value: "vendo_sk_from_api" }, { name: "OPENROUTER_BASE_URL", value: PROXY }]));
      const seen = controlApi.requests.length;
      const out = await quickstart(file, { VENDO_DEPLOYMENT_ID: "dep_2", VENDO_API_URL: controlApi.url, VENDO_DEPLOYMENT_TOKEN: "vendo_dt_test" });
      assert.deepEqual(out, { mode: "vendo", token: "vendo_sk_from_api", baseUrl: PROXY });
      const asked = controlApi.requests.slice(seen);
      assert.equal(asked.length, 1, "one lookup shared by token() and baseUrl()");
      assert.equal(asked[0]?.url, "/api/v1/deployments/dep_2/env?reveal=true");
      assert.equal(asked[0]?.headers.authorization, "Bearer vendo_dt_test");
    });
  }

  it("gives types to TypeScript consumers of both entry points", () => {
    writeFileSync(join(app, "typed.mts"), 'import { Vendo, VendoError, type VendoErrorCode } from "@vendodev/sdk";\nconst code: VendoErrorCode = "MISSING_TOKEN";\nconst token: Promise<string> = new Vendo({ tokens: { openrouter: "x" } }).token("openrouter");\nexport { code, token, VendoError };\n');
    writeFileSync(join(app, "typed.cts"), 'import { Vendo } from "@vendodev/sdk";\nconst mode: "vendo" | "oss" = new Vendo().mode;\nexport = mode;\n');
    writeFileSync(join(app, "bad.mts"), 'import { Vendo } from "@vendodev/sdk";\nconst n: number = await new Vendo().token("openrouter");\nexport { n };\n');
    const compile = (files: string[]) =>
      execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--module", "node16", "--moduleResolution", "node16", "--target", "es2022", ...files], { cwd: app, encoding: "utf8" });
    compile(["typed.mts", "typed.cts"]);
    // The types say something: a wrong use does not compile.
    assert.throws(() => compile(["bad.mts"]), (err: { stdout?: string }) => /TS2322/.test(err.stdout ?? ""));
  });
});
