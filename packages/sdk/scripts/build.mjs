// `npm run build`: the package's two builds from one source. dist/esm (ESM, the "import" entry) and
// dist/cjs (CommonJS, the "require" entry, marked so by its own package.json), each with .d.ts.
// `--out-dir <dir>` builds elsewhere (the pack test compares a fresh build with dist).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const sdkDir = fileURLToPath(new URL("..", import.meta.url));
const at = process.argv.indexOf("--out-dir");
const outDir = at === -1 ? join(sdkDir, "dist") : resolve(process.argv[at + 1] ?? "");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

rmSync(outDir, { recursive: true, force: true });
for (const [config, sub] of [["tsconfig.build.json", "esm"], ["tsconfig.cjs.json", "cjs"]]) {
  execFileSync(process.execPath, [tsc, "-p", join(sdkDir, config), "--outDir", join(outDir, sub)], { stdio: "inherit" });
}
mkdirSync(join(outDir, "cjs"), { recursive: true });
writeFileSync(join(outDir, "cjs", "package.json"), '{ "type": "commonjs" }\n');
