// `npm run generate`: writes every generated file: those derived from the integration catalog (JSON
// Schema, SDK integration tables, docs pages) and docs/configuration.md from the server's settings.
// `--check` writes nothing and exits 1 when a committed file drifted.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generatedFiles, repoRoot } from "../packages/integrations/src/generate/generatedFiles.js";
import { CONFIGURATION_DOC_PATH, renderConfigurationDoc } from "../packages/server/src/config/configurationDoc.js";

const check = process.argv.includes("--check");
let drifted = 0;
for (const file of [...generatedFiles(), { path: CONFIGURATION_DOC_PATH, content: renderConfigurationDoc() }]) {
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
