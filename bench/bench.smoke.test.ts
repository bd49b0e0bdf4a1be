// The bench is not part of `npm test` (too slow, too noisy); this checks that its harness still
// works end to end on a tiny run: real children (sandbox, passthrough, vendo on SQLite), real load,
// figures and a Markdown table out, nothing written to bench/results.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runBench } from "./harness.ts";

describe("npm run bench (smoke)", () => {
  it("measures throughput, latency and a stream through every server and reports them", async () => {
    const lines: string[] = [];
    const out = await runBench({
      quick: true,
      runs: 1,
      only: ["direct", "passthrough", "vendo-sqlite"],
      figures: ["throughput", "latency", "stream"],
      write: false,
      profile: false,
      databaseUrl: null,
      plan: {
        throughput: { connections: 4, durationS: 0.3, warmupS: 0 },
        latency: { samples: 20, warmup: 5, block: 10 },
        stream: { chunks: 20, samples: 3, warmup: 1 },
      },
      log: (line) => lines.push(line),
    });

    assert.deepEqual(out.written, []);
    const f = out.result.figures;
    for (const name of ["direct", "passthrough", "vendo-sqlite"]) {
      assert.ok((f[`tput.rps.${name}`]?.median ?? 0) > 0, `throughput of ${name}`);
      assert.ok((f[`lat.p50.${name}`]?.median ?? 0) > 0, `latency of ${name}`);
    }
    // The ratio is computed against the pass-through measured in the same run.
    const ratio = f["tput.ratio.vendo-sqlite"]?.median ?? NaN;
    const expected = (f["tput.rps.vendo-sqlite"]?.median ?? NaN) / (f["tput.rps.passthrough"]?.median ?? NaN);
    assert.ok(Math.abs(ratio - expected) < 1e-9, `ratio ${ratio} vs ${expected}`);
    assert.match(out.markdown, /\| Throughput, non-streaming/);
    assert.match(out.markdown, /vendo-sqlite/);
    assert.ok(out.result.targets.some((t) => t.pass !== null), "at least one target was checked");
    assert.ok(lines.length > 0, "the harness logs its progress");
  });
});
