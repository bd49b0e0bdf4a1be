// docs/money.md is the money model; each of its numbered invariants must have tests that name it
// ("invariant N"), so a new invariant cannot be written down without one, nor a test cite one that
// does not exist.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

function testFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) testFiles(full, out);
    else if (name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

describe("docs/money.md and the tests", () => {
  it("every numbered invariant is cited by tests, and every cited invariant exists", () => {
    const doc = readFileSync(join(root, "docs/money.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Invariants"));
    const numbers = [...section.matchAll(/^(\d+)\. \*\*/gm)].map((m) => Number(m[1]));
    assert.deepEqual(numbers, numbers.map((_, i) => i + 1), "invariants are numbered 1..n");
    assert.ok(numbers.length >= 6);

    const cited = new Map<number, number>();
    for (const file of testFiles(join(root, "packages"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/invariants? ((?:\d+(?:, | and )?)+)/g)) {
        for (const n of (m[1] ?? "").split(/, | and /).map(Number)) if (n) cited.set(n, (cited.get(n) ?? 0) + 1);
      }
    }
    for (const n of numbers) assert.ok((cited.get(n) ?? 0) > 0, `invariant ${n} has no test that names it`);
    for (const n of cited.keys()) assert.ok(numbers.includes(n), `a test cites invariant ${n}, which docs/money.md does not have`);
  });
});
