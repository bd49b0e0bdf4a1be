import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KeyRegistry, KeyState } from "../src/keys.ts";

describe("KeyState", () => {
  it("rate-limits over a sliding 60 s window with a Retry-After", () => {
    const k = new KeyState({ key: "k", rpm: 2 });
    const t0 = 1_000_000;
    assert.equal(k.admit(t0), null);
    assert.equal(k.admit(t0 + 10_000), null);
    assert.deepEqual(k.admit(t0 + 20_000), { status: 429, retryAfterS: 40 });
    assert.deepEqual(k.admit(t0 + 59_500), { status: 429, retryAfterS: 1 });
    assert.equal(k.admit(t0 + 60_000), null, "the first request left the window");
    assert.deepEqual(k.admit(t0 + 60_001), { status: 429, retryAfterS: 10 });
  });

  it("refuses with 402 once the limit is spent", () => {
    const k = new KeyState({ key: "k", limitUsd: "0.000002" });
    const now = Date.UTC(2025, 0, 15, 12);
    assert.equal(k.admit(now), null);
    k.charge(1_999n, now);
    assert.equal(k.admit(now), null);
    k.charge(1n, now);
    assert.deepEqual(k.admit(now), { status: 402, message: "Key limit exceeded" });
  });

  it("refuses with 402 once the credits are spent", () => {
    const k = new KeyState({ key: "k", creditsUsd: 0.000001 });
    k.charge(1_000n, Date.now());
    assert.equal(k.admit(Date.now())?.status, 402);
  });

  it("tracks usage by UTC day, week (from Monday) and month; a daily limit resets", () => {
    const k = new KeyState({ key: "k", limitUsd: "0.000001", limitReset: "daily" });
    const sunday = Date.UTC(2025, 5, 29, 23); // 2025-06-29 was a Sunday
    k.charge(1_000n, sunday);
    assert.equal(k.admit(sunday)?.status, 402);
    const monday = Date.UTC(2025, 5, 30, 1);
    assert.equal(k.admit(monday), null, "new day, new daily budget");
    k.charge(500n, monday);
    assert.equal(k.dailyNanos, 500n);
    assert.equal(k.weeklyNanos, 500n, "Monday starts a week");
    assert.equal(k.monthlyNanos, 1_500n, "still June");
    const july = Date.UTC(2025, 6, 1, 1);
    k.charge(1n, july);
    assert.deepEqual([k.dailyNanos, k.weeklyNanos, k.monthlyNanos, k.usageNanos], [1n, 501n, 1n, 1_501n]);
  });

  it("hands out a key fault `times` times, then clears it", () => {
    const k = new KeyState({ key: "k", fault: "503,times=2" });
    assert.equal(k.takeFault()?.status, 503);
    assert.equal(k.takeFault()?.status, 503);
    assert.equal(k.takeFault(), undefined);
    const always = new KeyState({ key: "k2", fault: { status: 502 } });
    for (let i = 0; i < 5; i++) assert.equal(always.takeFault()?.status, 502);
  });

  it("validates its config", () => {
    assert.throws(() => new KeyState({ key: "" }), TypeError);
    assert.throws(() => new KeyState({ key: "k", rpm: 0 }), RangeError);
    assert.throws(() => new KeyState({ key: "k", limitUsd: "ten" }), TypeError);
  });
});

describe("KeyRegistry", () => {
  it("authenticates bearer keys only", () => {
    const keys = new KeyRegistry(["a", { key: "b", rpm: 5 }]);
    assert.equal(keys.authenticate("Bearer a")?.key, "a");
    assert.equal(keys.authenticate("bearer b")?.rpm, 5);
    assert.equal(keys.authenticate("Bearer c"), undefined);
    assert.equal(keys.authenticate("Basic a"), undefined);
    assert.equal(keys.authenticate(undefined), undefined);
    assert.throws(() => keys.setFault("c", "503"), RangeError);
  });
});
