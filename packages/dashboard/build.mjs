// `npm run build -w @vendo/dashboard` (run by the root `prepare`, so `npm install` and CI have it):
// bundles src/main.tsx (Preact + Chart.js) and src/styles.css with esbuild into dist/, names the
// assets by content hash (served as immutable) and writes dist/index.html pointing at them.
// `node build.mjs --out-dir <dir>` builds elsewhere; buildDashboard() is the same for scripts.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const packageDir = fileURLToPath(new URL(".", import.meta.url));
export const defaultOutDir = join(packageDir, "dist");

/** Builds the dashboard into outDir (replacing it); returns the asset file names. */
export async function buildDashboard(outDir = defaultOutDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { app: join(packageDir, "src/main.tsx"), styles: join(packageDir, "src/styles.css") },
    bundle: true,
    minify: true,
    format: "esm",
    target: ["chrome109", "firefox115", "safari16"],
    jsx: "automatic",
    jsxImportSource: "preact",
    entryNames: "assets/[name]-[hash]",
    outdir: outDir,
    metafile: true,
    legalComments: "none",
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const script = outputs.find((f) => f.startsWith("app-") && f.endsWith(".js"));
  const styles = outputs.find((f) => f.startsWith("styles-") && f.endsWith(".css"));
  if (!script || !styles) throw new Error(`dashboard build: missing outputs in ${outputs.join(", ")}`);
  const html = readFileSync(join(packageDir, "src/index.html"), "utf8")
    .replace("{{script}}", `/dashboard/assets/${script}`)
    .replace("{{styles}}", `/dashboard/assets/${styles}`);
  writeFileSync(join(outDir, "index.html"), html);
  return { script, styles };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--out-dir");
  const outDir = at === -1 ? defaultOutDir : resolve(process.argv[at + 1] ?? "");
  const { script, styles } = await buildDashboard(outDir);
  console.log(`dashboard built: ${outDir} (${script}, ${styles})`);
}
