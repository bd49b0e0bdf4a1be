#!/usr/bin/env node
// The `vendo` CLI. In a source checkout (src/ is there) it runs the TypeScript through tsx, a dev
// dependency: no build step between an edit and `vendo dev`. An installed package has only dist/,
// compiled by `npm run build`: plain JavaScript, no loader.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(new URL("../dist/cli/main.js", import.meta.url).href);
}
