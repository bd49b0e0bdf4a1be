// The targets table (issue 11) and the Bench v2 sections of the report, from hand-made figures:
// each target passes at its limit and misses just past it, against the pass-through where the
// target says so; the money invariants must hold in every run, not in the median one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fullPlan, type Plan } from "./options.ts";
import { checkTargets, machine, renderMarkdown, type BenchResult } from "./report.ts";
import { spread, type Spread } from "./stats.ts";

const one = (v: number): Spread => spread([v]);

/** Figures at which every issue 11 target is met exactly at its limit. */
function atLimits(): Record<string, Spread> {
  return {
    "tput.ratio.vendo-sqlite": one(0.7),
    "tput.vsPortkey.vendo-sqlite": one(8),
    "lat.added50.vendo-sqlite": one(500),
    "lat.added50.passthrough": one(350),
    "lat.overPassthrough50.vendo-sqlite": one(150),
    "lat.overPassthrough99.vendo-sqlite": one(1000),
    "stream.overPassthroughTtfb.vendo-sqlite": one(200),
    "llm.5000.eld99.vendo-sqlite": one(10),
    "llm.5000.addedGap99.vendo-sqlite": one(2),
    "llm.5000.kb.vendo-sqlite": one(32),
    "lat.overPassthrough50.vendo-postgres": one(2500),
    "pg2.admissions": one(1500),
    "pg2.auditOk": one(1),
    "pg2.pending": one(0),
    "pg2.bookDiff": one(0),
    "pg2.unexplained": one(0),
    "acct.ratio.key": one(2),
  };
}

const verdicts = (figures: Record<string, Spread>, plan: Plan = fullPlan) => checkTargets(figures, plan).map((t) => t.pass);

describe("bench report: issue 11 targets", () => {
  it("passes every target at its limit", () => {
    const checks = checkTargets(atLimits(), fullPlan);
    assert.equal(checks.length, 12);
    for (const c of checks) assert.equal(c.pass, true, `${c.target} ${c.limit}: ${c.measured}`);
  });

  it("misses each target just past its limit, and only that one", () => {
    const past: Record<string, number> = {
      "tput.ratio.vendo-sqlite": 0.69,
      "tput.vsPortkey.vendo-sqlite": 7.9,
      "lat.overPassthrough50.vendo-sqlite": 151,
      "lat.overPassthrough99.vendo-sqlite": 1001,
      "stream.overPassthroughTtfb.vendo-sqlite": 201,
      "llm.5000.eld99.vendo-sqlite": 10.1,
      "llm.5000.addedGap99.vendo-sqlite": 2.1,
      "llm.5000.kb.vendo-sqlite": 32.5,
      "lat.overPassthrough50.vendo-postgres": 2501,
      "pg2.admissions": 1499,
      "pg2.pending": 1,
      "acct.ratio.key": 2.01,
    };
    Object.entries(past).forEach(([key, value], i) => {
      const figures = { ...atLimits(), [key]: one(value) };
      const result = verdicts(figures);
      assert.equal(result[i], false, `${key} = ${value} must miss target ${i}`);
      assert.equal(result.filter((p) => p === false).length, 1, `${key} = ${value} misses only its own target`);
    });
  });

  it("says the added latency against the pass-through's, both measured", () => {
    const check = checkTargets(atLimits(), fullPlan).find((c) => c.limit === "≤ passthrough's + 150 µs");
    assert.equal(check?.measured, "+150 µs over passthrough's (+500 against +350)");
  });

  it("fails the invariants when one run of several broke them, whatever the median", () => {
    const figures = { ...atLimits(), "pg2.bookDiff": spread([0, 0, -25_800]), "pg2.auditOk": spread([1, 1, 1]) };
    const invariants = checkTargets(figures, fullPlan).find((c) => c.target.endsWith("money invariants"));
    assert.equal(invariants?.pass, false);
    assert.match(invariants?.measured ?? "", /books − bill −25,800…0 nano-USD/);
  });

  it("reports a figure that was not measured as such, not as a pass or a miss", () => {
    const { "pg2.admissions": _a, "llm.5000.kb.vendo-sqlite": _k, ...rest } = atLimits();
    const checks = checkTargets(rest, fullPlan);
    const missing = checks.filter((c) => c.target.endsWith("admissions") || c.target.endsWith("RSS per stream"));
    assert.equal(missing.length, 2);
    for (const c of missing) {
      assert.equal(c.pass, null);
      assert.equal(c.measured, "not measured");
    }
  });

  it("checks the paced-stream targets at the largest count of the plan", () => {
    const plan: Plan = { ...fullPlan, llm: { ...fullPlan.llm, counts: [100, 400] } };
    const checks = checkTargets({ "llm.400.eld99.vendo-sqlite": one(12), "llm.100.eld99.vendo-sqlite": one(1) }, plan);
    const eld = checks.find((c) => c.target.includes("event-loop delay"));
    assert.equal(eld?.target, "400 paced streams: event-loop delay p99");
    assert.equal(eld?.pass, false);
  });

  it("has a missed hot-path target trigger the profile, and a missed store target not", () => {
    const profiles = (key: string, value: number) => checkTargets({ ...atLimits(), [key]: one(value) }, fullPlan).find((c) => c.pass === false)?.profiles;
    assert.equal(profiles("tput.ratio.vendo-sqlite", 0.5), true);
    assert.equal(profiles("llm.5000.eld99.vendo-sqlite", 50), true);
    assert.equal(profiles("pg2.admissions", 100), false);
    assert.equal(profiles("acct.ratio.key", 10), false);
  });
});

describe("bench report: Bench v2 sections", () => {
  const result = (figures: Record<string, Spread>): BenchResult => ({
    date: "2026-01-01T00:00:00.000Z",
    quick: false,
    runs: 1,
    machine: machine(),
    scenarios: [{ name: "direct" }, { name: "passthrough" }, { name: "vendo-sqlite" }],
    plan: fullPlan,
    figures,
    targets: checkTargets(figures, fullPlan),
    notes: [],
  });

  it("renders each new group only when it was measured", () => {
    const bare = renderMarkdown(result({ "tput.rps.direct": one(1000) }));
    for (const heading of ["Real LLM traffic", "Sequential overhead", "two instances on one database", "Account endpoints"]) assert.ok(!bare.includes(heading), heading);

    const md = renderMarkdown(
      result({
        "llm.1000.done.direct": one(1000),
        "llm.1000.done.vendo-sqlite": one(998),
        "llm.1000.gap99.vendo-sqlite": one(21.5),
        "seq.median.direct": one(800),
        "seq.added.passthrough": one(120),
        "seq.added.vendo-sqlite": one(610),
        "pg2.admissions": one(1600),
        "acct.100.key.p50": one(400),
        "acct.1000000.key.p50": one(420),
        "acct.ratio.key": one(1.05),
      }),
    );
    assert.match(md, /### 1,000 streams/);
    assert.ok(!md.includes("### 5,000 streams"), "no section for a count that was not measured");
    assert.match(md, /\| figure \| direct \| vendo-sqlite \|\n/);
    assert.match(md, /\| streams completed \(of 1,000\) \| 1,000 \| 998 \|/);
    assert.match(md, /\| vendo-sqlite \| \+0\.610 \| this run \|/);
    assert.match(md, /\| Bifrost \| \+0\.44–0\.62 \| published \(issue 11\), measured elsewhere \|/);
    assert.match(md, /\| admissions per second \(holds placed\) \| 1,600 \|/);
    assert.match(md, /\| GET \/v1\/key \| 400 \| – \| 420 \| – \| 1\.05× \|/);
    assert.match(md, /## Targets \(issue 11\)/);
  });
});
