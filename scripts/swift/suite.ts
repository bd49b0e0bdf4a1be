// The Swift SDK's suite, run by scripts/test.mjs: `swift test` in sdks/swift against a real Vendo
// server started here, then the seed page's Swift quickstart compiled as written and run under
// `vendo run` and in OSS mode. Prints one line per check and ends with `swift: N passed, M failed`;
// without a toolchain it prints `swift skipped: <why>` and exits 0 (test.mjs decides if that fails).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cliEnv, runVendo } from "../../packages/server/test/cli/support/runVendo.ts";
import { exec, type Exit } from "./exec.ts";
import { swiftQuickstart, writeQuickstartPackage } from "./quickstart.ts";
import { findSwiftToolchain, type SwiftToolchain } from "./toolchain.ts";
import { startSwiftTestWorld, type SwiftTestWorld } from "./world.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const sdkDir = join(repoRoot, "sdks/swift");
/** What the Swift tests read besides the package itself (ErrorTests checks docs/two-modes.md). */
const SYNCED = ["sdks/swift", "docs/two-modes.md"];
const BUILD_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 60_000;
/** The key a user sets in OSS mode; what the quickstart must print back. */
const OWN_KEY = "sk-or-v1-swift-quickstart-own-key";

let passed = 0;
let failed = 0;

function check(name: string, ok: boolean, details: () => string, ms?: number): boolean {
  const took = ms === undefined ? "" : ` (${(ms / 1000).toFixed(1)} s)`;
  if (ok) {
    passed += 1;
    console.log(`✔ ${name}${took}`);
  } else {
    failed += 1;
    console.log(`✖ ${name}${took}\n${indent(details())}`);
  }
  return ok;
}

const indent = (text: string) => text.trimEnd().replace(/^/gm, "    ");
const output = (r: Exit) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** `swift test`, its XCTest cases counted; the world's tests must run, not skip. */
async function swiftTest(toolchain: SwiftToolchain, world: SwiftTestWorld): Promise<void> {
  const command = toolchain.swift(["test", "--package-path", sdkDir], { VENDO_SWIFT_TEST_WORLD: JSON.stringify(world) });
  const r = await exec(command.argv, { env: command.env, cwd: repoRoot, timeoutMs: BUILD_TIMEOUT_MS });
  // Keep each case's result; drop build progress, "started" lines and Swift Testing's empty run.
  const noise = /^\[\d+\/\d+\]|^Building for|^Build complete|^Test Case .* started at|^[◇↳] |^✔ Test run with 0 tests/;
  const log = (r.stdout + r.stderr).split("\n").filter((l) => !noise.test(l));
  console.log(indent(log.join("\n")));
  const all = /Test Suite 'All tests' (passed|failed)[^\n]*\n\s*Executed (\d+) tests?, with (?:(\d+) tests? skipped and )?(\d+) failures?/.exec(r.stdout);
  if (!all) {
    check("swift test ran", false, () => output(r), r.ms);
    return;
  }
  const [ran, skipped, failures] = [Number(all[2]), Number(all[3] ?? 0), Number(all[4])];
  passed += ran - skipped - failures;
  failed += failures;
  console.log(`swift test: ${ran - skipped - failures} of ${ran} XCTest cases passed (${(r.ms / 1000).toFixed(1)} s)`);
  check("swift test skipped none (VendoServerTests ran against the real server)", skipped === 0, () => `${skipped} skipped`);
  if (r.code !== 0 && failures === 0) check("swift test exited 0", false, () => output(r));
}

/** The quickstart as written: builds, prints the deployment's key under `vendo run`, the user's own key in OSS mode. */
async function quickstart(toolchain: SwiftToolchain, world: SwiftTestWorld): Promise<void> {
  const dir = writeQuickstartPackage(toolchain, sdkDir, swiftQuickstart(repoRoot));
  const build = toolchain.swift(["build", "--package-path", dir], {});
  const built = await exec(build.argv, { env: build.env, cwd: repoRoot, timeoutMs: BUILD_TIMEOUT_MS });
  if (!check("the seed's Swift quickstart compiles as written", built.code === 0, () => output(built), built.ms)) return;
  const binary = join(dir, ".build", "debug", "Quickstart");
  const program = toolchain.program(binary);

  // The tenant starts its app the way DESIGN §3 says: vendo run injects the deployment's env.
  const tenant = cliEnv({ VENDO_API_URL: world.url, VENDO_MANAGEMENT_KEY: world.managementKey });
  const injected = await runVendo(["run", "--deployment", world.connected.id, "--", ...program], tenant);
  check(
    "under `vendo run`, the quickstart prints the injected token (the deployment's vendo_sk_ key)",
    injected.code === 0 && injected.stdout === `${world.connected.apiKey}\n`,
    () => `expected ${world.connected.apiKey}\n${output({ ...injected, ms: 0 })}`,
  );

  // Without the injected key vars the SDK asks the control API with the injected deployment token.
  const unset = ["/usr/bin/env", "-u", "OPENROUTER_API_KEY", "-u", "OPENROUTER_BASE_URL"];
  const withoutVars = toolchain.program(binary, unset);
  const viaApi = await runVendo(["run", "--deployment", world.connected.id, "--", ...withoutVars], tenant);
  check(
    "under `vendo run` without OPENROUTER_API_KEY, the quickstart prints the key from the control API",
    viaApi.code === 0 && viaApi.stdout === `${world.connected.apiKey}\n`,
    () => `expected ${world.connected.apiKey}\n${output({ ...viaApi, ms: 0 })}`,
  );

  // The same without the deployment token fails: proof that the key above came from the control API.
  const noBearer = await runVendo(["run", "--deployment", world.connected.id, "--", ...toolchain.program(binary, [...unset, "-u", "VENDO_DEPLOYMENT_TOKEN"])], tenant);
  check(
    "… and without VENDO_DEPLOYMENT_TOKEN too, it fails naming it (so the key above came from the control API)",
    noBearer.code !== 0 && noBearer.stdout === "" && noBearer.stderr.includes("OPENROUTER_API_KEY is not set in Vendo mode, and the control API cannot be asked for it: VENDO_DEPLOYMENT_TOKEN (or VENDO_MANAGEMENT_KEY) is not set."),
    () => output({ ...noBearer, ms: 0 }),
  );

  const bare = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  const oss = await exec(program, { env: { ...bare, OPENROUTER_API_KEY: OWN_KEY }, cwd: repoRoot, timeoutMs: RUN_TIMEOUT_MS });
  check("in OSS mode, the quickstart prints the user's own OPENROUTER_API_KEY", oss.code === 0 && oss.stdout === `${OWN_KEY}\n`, () => output(oss));

  const nothing = await exec(program, { env: bare, cwd: repoRoot, timeoutMs: RUN_TIMEOUT_MS });
  check(
    "in OSS mode with nothing set, the quickstart fails naming OPENROUTER_API_KEY and the mode",
    nothing.code !== 0 && nothing.stdout === "" && nothing.stderr.includes("No token for openrouter in OSS mode: set OPENROUTER_API_KEY"),
    () => output(nothing),
  );
}

async function main(): Promise<void> {
  const lookup = findSwiftToolchain();
  if ("missing" in lookup) {
    console.log(`swift skipped: ${lookup.missing}`);
    return;
  }
  const toolchain = lookup.found;
  console.log(`Swift SDK suite (${toolchain.description})`);
  toolchain.prepare(repoRoot, SYNCED);
  const running = await startSwiftTestWorld();
  try {
    await swiftTest(toolchain, running.world);
    await quickstart(toolchain, running.world);
  } finally {
    await running.close();
  }
  console.log(`swift: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

await main();
