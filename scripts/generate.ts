// `npm run generate`: writes every file derived from the integration catalog (JSON Schema, SDK
// integration tables, docs pages). `--check` writes nothing and exits 1 when a committed file drifted.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generatedFiles, repoRoot } from "../packages/integrations/src/generate/generatedFiles.js";

const check = process.argv.includes("--check");
let drifted = 0;
for (const file of generatedFiles()) {
  const target = join(repoRoot, file.path);
  let current: string | undefined;
  try {
    current = readFileSync(target, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    current = undefined; // not generated yet
  }
  if (current === file.content) continue;
  drifted += 1;
  if (check) {
    console.error(`out of date: ${file.path}`);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    console.log(`wrote ${file.path}`);
  }
}
if (check && drifted > 0) {
  console.error("Run `npm run generate` and commit the result.");
  process.exit(1);
}
if (drifted === 0) console.log("generated files are up to date");
