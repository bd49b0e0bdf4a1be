// The bench is not part of `npm test` (too slow, too noisy); this checks that its harness still
// works end to end on a tiny run: real children (sandbox, passthrough, vendo on SQLite, and two
// vendo instances on PostgreSQL when it is there), real load, figures and a Markdown table out,
// nothing written to bench/results.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { postgresSkip, postgresUrl } from "../packages/server/test/support/stores.ts";
import { runBench } from "./harness.ts";

describe("npm run bench (smoke)", () => {
  it("measures throughput, latency, streams, paced streams and sequential overhead through every server and reports them", async () => {
    const lines: string[] = [];
    const out = await runBench({
      quick: true,
      runs: 1,
      only: ["direct", "passthrough", "vendo-sqlite"],
      // Not `accounts`: two more servers to seed and start; seed.test.ts covers its seeding.
      figures: ["throughput", "latency", "stream", "llm", "sequential"],
      write: false,
      profile: false,
      databaseUrl: null,
      plan: {
        throughput: { connections: 4, durationS: 0.3, warmupS: 0 },
        latency: { samples: 20, warmup: 5, block: 10 },
        stream: { chunks: 20, samples: 3, warmup: 1 },
        llm: { counts: [6], latencyMs: 20, chunkDelayMs: 5, chunks: 5, warmup: 2, openMs: 20 },
        sequential: { rounds: 2, perRound: 5, warmup: 2 },
      },
      log: (line) => lines.push(line),
    });

    assert.deepEqual(out.written, []);
    const f = out.result.figures;
    const value = (key: string) => f[key]?.median ?? Number.NaN;
    for (const name of ["direct", "passthrough", "vendo-sqlite"]) {
      assert.ok(value(`tput.rps.${name}`) > 0, `throughput of ${name}`);
      assert.ok(value(`tput.cpuUs.${name}`) >= 0, `CPU per call of ${name}`);
      assert.ok(value(`lat.p50.${name}`) > 0, `latency of ${name}`);
      // Every paced stream arrived whole, its gaps near the sandbox's 5 ms pacing.
      assert.equal(value(`llm.6.done.${name}`), 6, `paced streams through ${name}`);
      assert.ok(value(`llm.6.gap50.${name}`) >= 2, `gap p50 through ${name}: ${value(`llm.6.gap50.${name}`)}`);
      assert.ok(value(`llm.6.ttfb50.${name}`) >= 20, `first byte after the 20 ms latency through ${name}`);
      assert.ok(Number.isFinite(value(`llm.6.eld99.${name}`)), `event-loop delay of ${name}`);
      assert.ok(Number.isFinite(value(`seq.median.${name}`)), `sequential overhead of ${name}`);
    }
    // The ratio is computed against the pass-through measured in the same run.
    const ratio = value("tput.ratio.vendo-sqlite");
    const expected = value("tput.rps.vendo-sqlite") / value("tput.rps.passthrough");
    assert.ok(Math.abs(ratio - expected) < 1e-9, `ratio ${ratio} vs ${expected}`);
    assert.equal(value("seq.added.vendo-sqlite"), value("seq.median.vendo-sqlite") - value("seq.median.direct"));
    assert.match(out.markdown, /\| Throughput, non-streaming/);
    assert.match(out.markdown, /### 6 streams/);
    assert.match(out.markdown, /## Sequential overhead/);
    assert.ok(out.result.targets.some((t) => t.pass !== null), "at least one target was checked");
    assert.ok(lines.length > 0, "the harness logs its progress");
  });

  it("runs two vendo instances on one PostgreSQL database and checks the money invariants after the load", { skip: postgresSkip }, async () => {
    const out = await runBench({
      quick: true,
      runs: 1,
      only: ["direct", "passthrough"],
      figures: ["pgShared"],
      write: false,
      profile: false,
      databaseUrl: postgresUrl,
      plan: { pgShared: { connections: 6, durationS: 0.5, warmupS: 0, keys: 2, latencySamples: 10 } },
      log: () => undefined,
    });
    const f = out.result.figures;
    const value = (key: string) => f[key]?.median ?? Number.NaN;
    assert.ok(value("pg2.admissions") > 0, "admissions per second");
    assert.ok(value("pg2.rps.a") > 0 && value("pg2.rps.b") > 0, "both instances served");
    assert.ok(value("pg2.calls") > 0, "the sandbox billed the calls");
    assert.equal(value("pg2.auditOk"), 1, out.result.notes.join("\n"));
    assert.equal(value("pg2.pending"), 0);
    assert.equal(value("pg2.bookDiff"), 0);
    assert.equal(value("pg2.unexplained"), 0);
    assert.equal(out.result.targets.find((t) => t.target.endsWith("money invariants"))?.pass, true);
  });
});
