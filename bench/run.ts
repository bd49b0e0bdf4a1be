// `npm run bench`: Vendo against the direct upstream, a bare pass-through and Portkey's gateway.
// Flags: see USAGE in options.ts (or `npm run bench -- --help`).
import { runBench } from "./harness.ts";
import { parseArgs, USAGE } from "./options.ts";

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
if (options === "help") {
  console.log(USAGE);
  process.exit(0);
}
const out = await runBench(options);
console.log(out.markdown);
for (const file of out.written) console.error(`wrote ${file}`);
process.exit(0);
