#!/usr/bin/env node
// `npm test`: every TypeScript suite (node:test through tsx, the dashboard's in Debian's Chromium), the
// Python SDK's unittest suite and the Swift SDK's suite (scripts/swift/suite.ts). PostgreSQL suites need a server and the Swift suite a
// toolchain (`swift` on PATH, or the Debian root of scripts/swift-toolchain.sh); CI sets
// VENDO_REQUIRE_POSTGRES=1 and VENDO_REQUIRE_SWIFT=1 so a missing one fails the run. Elsewhere they
// are skipped, and the summary says which and why.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import net from "node:net";

const root = new URL("..", import.meta.url).pathname;
const pgUrl = process.env.VENDO_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.VENDO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const filter = process.argv.slice(2);

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (name.endsWith(".test.ts")) out.push(relative(root, full));
  }
  return out;
}

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || (url.startsWith("redis") ? 6379 : 5432)) });
    socket.setTimeout(2000);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

const env = { ...process.env, VENDO_TEST_DATABASE_URL: pgUrl, VENDO_TEST_REDIS_URL: redisUrl, NODE_ENV: "test" };
const skipped = [];
if (await reachable(pgUrl)) {
  env.VENDO_TEST_POSTGRES = "1";
} else if (process.env.VENDO_REQUIRE_POSTGRES === "1") {
  console.error(`PostgreSQL is required (VENDO_REQUIRE_POSTGRES=1) but ${new URL(pgUrl).host} is not reachable.`);
  process.exit(1);
} else {
  skipped.push(`PostgreSQL suites: no server at ${new URL(pgUrl).host} (set VENDO_TEST_DATABASE_URL to point at one)`);
}

// Redis: the shared rate limits' suites. CI sets VENDO_REQUIRE_REDIS=1.
if (await reachable(redisUrl)) {
  env.VENDO_TEST_REDIS = "1";
} else if (process.env.VENDO_REQUIRE_REDIS === "1") {
  console.error(`Redis is required (VENDO_REQUIRE_REDIS=1) but ${new URL(redisUrl).host} is not reachable.`);
  process.exit(1);
} else {
  skipped.push(`Redis suites: no server at ${new URL(redisUrl).host} (set VENDO_TEST_REDIS_URL to point at one)`);
}

// The dashboard's browser suite drives Debian's Chromium (never a downloaded browser); CI installs it
// and sets VENDO_REQUIRE_BROWSER=1, so a missing one fails the run there.
const chromium = "/usr/bin/chromium";
if (existsSync(chromium)) {
  env.VENDO_TEST_BROWSER = "1";
} else if (process.env.VENDO_REQUIRE_BROWSER === "1") {
  console.error(`Chromium is required (VENDO_REQUIRE_BROWSER=1) but ${chromium} is missing (apt-get install -y chromium).`);
  process.exit(1);
} else {
  env.VENDO_TEST_BROWSER = "0";
  skipped.push(`Browser suites (dashboard): ${chromium} not found (apt-get install -y chromium)`);
}

let files = ["packages", "bench"].flatMap((d) => findTests(join(root, d))).sort();
if (filter.length) files = files.filter((f) => filter.some((p) => f.includes(p)));

let passed = 0;
let failed = 0;
if (files.length) {
  const node = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", "--test-timeout=600000", ...files],
    { cwd: root, env, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 28 },
  );
  process.stdout.write(node.stdout);
  passed += Number(/^ℹ pass (\d+)/m.exec(node.stdout)?.[1] ?? 0);
  failed += Number(/^ℹ fail (\d+)/m.exec(node.stdout)?.[1] ?? 0);
  if (node.status !== 0 && failed === 0) failed += 1;
}

if (!filter.length || filter.some((p) => "sdks/python".includes(p) || p.includes("python"))) {
  const py = spawnSync("python3", ["-m", "unittest", "discover", "-s", "sdks/python", "-p", "test_*.py", "-v"], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  if (py.error) {
    skipped.push(`Python SDK suite: python3 not found (${py.error.message})`);
  } else {
    process.stdout.write(py.stderr);
    const ran = Number(/^Ran (\d+) tests?/m.exec(py.stderr)?.[1] ?? 0);
    const bad = /FAILED \((?:failures=(\d+))?(?:, )?(?:errors=(\d+))?/.exec(py.stderr);
    const pyFailed = bad ? Number(bad[1] ?? 0) + Number(bad[2] ?? 0) : py.status === 0 ? 0 : 1;
    passed += ran - pyFailed;
    failed += pyFailed;
  }
}

if (!filter.length || filter.some((p) => "sdks/swift".includes(p) || p.includes("swift"))) {
  const swift = spawnSync(process.execPath, ["--import", "tsx", "scripts/swift/suite.ts"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  process.stdout.write((swift.stdout ?? "").replace(/^swift skipped: .*\n/m, "")); // said once, below
  const summary = /^swift: (\d+) passed, (\d+) failed$/m.exec(swift.stdout ?? "");
  const missing = /^swift skipped: (.*)$/m.exec(swift.stdout ?? "")?.[1];
  if (missing && process.env.VENDO_REQUIRE_SWIFT === "1") {
    console.error(`The Swift SDK suite is required (VENDO_REQUIRE_SWIFT=1) but cannot run: ${missing}`);
    failed += 1;
  } else if (missing) {
    skipped.push(`Swift SDK suite: ${missing}`);
  } else {
    passed += Number(summary?.[1] ?? 0);
    failed += Number(summary?.[2] ?? 0);
    if ((swift.status !== 0 || !summary) && Number(summary?.[2] ?? 0) === 0) failed += 1;
  }
}

for (const s of skipped) console.log(`skipped: ${s}`);
console.log(`\nvendo: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
