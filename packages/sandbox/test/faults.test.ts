import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeFault, FaultSyntaxError, mergeFaults, parseFault, splitModelFault, toFault } from "../src/faults.ts";

describe("parseFault", () => {
  it("reads every directive", () => {
    assert.deepEqual(parseFault("latency=50, chunk-delay=10"), { latencyMs: 50, chunkDelayMs: 10 });
    assert.deepEqual(parseFault("503"), { status: 503 });
    assert.deepEqual(parseFault("status=429"), { status: 429 });
    assert.deepEqual(parseFault("stream-error=3"), { interrupt: { kind: "stream-error", after: 3 } });
    assert.deepEqual(parseFault("reset"), { interrupt: { kind: "reset", after: 0 } });
    assert.deepEqual(parseFault("hang=2;tokens=9 cached=4"), { interrupt: { kind: "hang", after: 2 }, completionTokens: 9, cachedTokens: 4 });
    assert.deepEqual(parseFault("times=2,500"), { times: 2, status: 500 });
    assert.deepEqual(parseFault("  "), {});
  });

  it("the last interrupt wins", () => {
    assert.deepEqual(parseFault("reset=1,hang=4"), { interrupt: { kind: "hang", after: 4 } });
  });

  it("refuses unknown directives and bad values", () => {
    for (const bad of ["latency", "latency=-1", "latency=abc", "explode", "200", "status=99", "600", "tokens=1.5", "chunk-delay=9999999"]) {
      assert.throws(() => parseFault(bad), FaultSyntaxError, bad);
    }
  });

  it("round-trips through describeFault", () => {
    const spec = "latency=5,chunk-delay=1,status=502,reset=3,tokens=7,cached=2,times=4";
    assert.equal(describeFault(parseFault(spec)), spec);
    assert.deepEqual(toFault({ status: 503, times: 1 }), { status: 503, times: 1 });
    assert.throws(() => toFault({ latencyMs: 1.5 }), FaultSyntaxError);
  });
});

describe("model suffix", () => {
  it("splits the model id from its directives", () => {
    assert.deepEqual(splitModelFault("openai/gpt-4o-mini"), { model: "openai/gpt-4o-mini", fault: undefined });
    assert.deepEqual(splitModelFault("meta-llama/llama-3.3-70b-instruct:free~503"), { model: "meta-llama/llama-3.3-70b-instruct:free", fault: { status: 503 } });
    assert.deepEqual(splitModelFault("openai/gpt-4o~stream-error=2~chunk-delay=5"), {
      model: "openai/gpt-4o",
      fault: { interrupt: { kind: "stream-error", after: 2 }, chunkDelayMs: 5 },
    });
  });
});

describe("mergeFaults", () => {
  it("merges field by field, later sources win, times is dropped", () => {
    const key = { status: 503, latencyMs: 100, times: 2 };
    const suffix = { chunkDelayMs: 5 };
    const header = { latencyMs: 10, interrupt: { kind: "reset" as const, after: 1 } };
    assert.deepEqual(mergeFaults(key, suffix, undefined, header), { status: 503, latencyMs: 10, chunkDelayMs: 5, interrupt: { kind: "reset", after: 1 } });
    assert.deepEqual(mergeFaults(), {});
  });
});
