#!/usr/bin/env node
// `npm run build -w @vendo/server`: the production build, compiled by tsc into dist/, so an
// installed server runs plain JavaScript with no TypeScript loader. The workspace packages it uses
// (@vendo/integrations with its catalog, @vendo/sandbox; the dashboard's built page) go into dist/node_modules/,
// where Node resolves them from dist/ (npm pack keeps that folder; the workspace links stay out).
// A source checkout never runs this output: bin/vendo.mjs runs src/ through tsx when src/ exists.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const server = fileURLToPath(new URL("..", import.meta.url));
const packages = join(server, "..");
const dist = join(server, "dist");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

function compile(project, outDir) {
  execFileSync(process.execPath, [tsc, "-p", project, ...(outDir ? ["--outDir", outDir] : [])], { stdio: "inherit" });
}

/** Compiles a workspace package into dist/node_modules/<name>, with a package.json pointing at the JavaScript. */
function vendor(dir, exportsMap, extra = () => undefined) {
  const pkg = JSON.parse(readFileSync(join(packages, dir, "package.json"), "utf8"));
  const out = join(dist, "node_modules", ...pkg.name.split("/"));
  compile(join(packages, dir, "tsconfig.build.json"), out);
  extra(out);
  const manifest = { name: pkg.name, version: pkg.version, private: true, type: "module", exports: exportsMap };
  writeFileSync(join(out, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
}

const entry = (path) => ({ types: `./${path}.d.ts`, default: `./${path}.js` });

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
// The catalog's entries are data read at start-up: its JSON files join the adapters compiled beside them.
vendor("integrations", { ".": entry("src/index"), "./adapters": entry("adapters/index"), "./lib/resolveConnectionEnvVars": entry("lib/resolveConnectionEnvVars") }, (out) =>
  cpSync(join(packages, "integrations", "catalog"), join(out, "catalog"), { recursive: true, filter: (from) => !from.endsWith(".ts") }),
);
vendor("sandbox", { ".": entry("src/index") });
// The dashboard's page (Preact + Chart.js, bundled by esbuild): only its built files are served.
const dashboardOut = join(dist, "node_modules", "@vendo", "dashboard");
execFileSync(process.execPath, [join(packages, "dashboard", "build.mjs"), "--out-dir", join(dashboardOut, "dist")], { stdio: "inherit" });
writeFileSync(join(dashboardOut, "package.json"), JSON.stringify({ name: "@vendo/dashboard", version: "0.1.0", private: true, type: "module", exports: { "./package.json": "./package.json" } }, null, 2) + "\n");
compile(join(server, "tsconfig.build.json"));
console.log(`built ${dirname(dist) === server ? "packages/server/dist" : dist}`);
