// The depth scan that runs before JSON.parse: exact at the limit, blind to brackets in strings,
// and flat in cost however deep the text goes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nestsDeeperThan } from "../../src/proxy/jsonDepth.js";

const bytes = (text: string) => Buffer.from(text, "utf8");
const arrays = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("nestsDeeperThan", () => {
  it("accepts exactly the limit and refuses one more, arrays and objects alike", () => {
    assert.equal(nestsDeeperThan(bytes(arrays(128)), 128), false);
    assert.equal(nestsDeeperThan(bytes(arrays(129)), 128), true);
    const objects = (depth: number) => '{"a":'.repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    assert.equal(nestsDeeperThan(bytes(objects(128)), 128), false);
    assert.equal(nestsDeeperThan(bytes(objects(129)), 128), true);
    assert.equal(nestsDeeperThan(bytes(`{"a":[{"b":[1]}]}`), 3), true);
    assert.equal(nestsDeeperThan(bytes(`{"a":[{"b":[1]}]}`), 4), false);
  });

  it("counts depth, not brackets: siblings do not add up", () => {
    const wide = "[" + Array.from({ length: 1000 }, () => "[[1]]").join(",") + "]";
    assert.equal(nestsDeeperThan(bytes(wide), 3), false);
    assert.equal(nestsDeeperThan(bytes(wide), 2), true);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ content: "[".repeat(500) + '\\"[[[' + "{".repeat(500) });
    assert.equal(nestsDeeperThan(bytes(text), 1), false);
    const escapedQuote = JSON.stringify({ a: 'say "[[[[" then \\ and ["' });
    assert.equal(nestsDeeperThan(bytes(escapedQuote), 1), false);
    // Non-ASCII text is read as bytes; no UTF-8 byte can be mistaken for a bracket or a quote.
    assert.equal(nestsDeeperThan(bytes(JSON.stringify({ a: "日本語 [[ é ]] 🙂" })), 1), false);
  });

  it("finds the depth of random JSON exactly, whatever its strings hold (long, escaped, bracketed)", () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const alphabet = ['"', "\\", "[", "]", "{", "}", "a", " ", "é", "\n", "\\\""];
    const randomString = () => Array.from({ length: rand(3) === 0 ? 40 + rand(200) : rand(30) }, () => alphabet[rand(alphabet.length)]).join("");
    const randomValue = (budget: number): unknown => {
      const pick = budget <= 0 ? rand(2) : rand(5);
      if (pick === 0) return randomString();
      if (pick === 1) return rand(1000);
      if (pick === 2) return Array.from({ length: rand(4) }, () => randomValue(budget - 1));
      return Object.fromEntries(Array.from({ length: rand(4) }, () => [randomString(), randomValue(budget - 1)]));
    };
    // The depth by a walk of the parsed value: independent of the byte scan.
    const depthOf = (v: unknown): number =>
      typeof v !== "object" || v === null ? 0 : 1 + Math.max(0, ...(Array.isArray(v) ? v : Object.values(v)).map(depthOf));
    for (let round = 0; round < 500; round++) {
      const value = randomValue(1 + rand(8));
      const text = bytes(JSON.stringify(value));
      const depth = depthOf(value);
      assert.equal(nestsDeeperThan(text, depth), false, `depth ${depth}: ${text.toString()}`);
      if (depth > 0 && text.length > depth - 1) assert.equal(nestsDeeperThan(text, depth - 1), true, `depth ${depth}: ${text.toString()}`);
    }
  });

  it("stops at the limit on 1,000,000 nested arrays, without recursion", () => {
    // A recursive walk would overflow the stack long before this depth.
    assert.equal(nestsDeeperThan(bytes(arrays(1_000_000)), 128), true);
    assert.equal(nestsDeeperThan(bytes(arrays(1_000_000)), 1_000_000), false);
  });
});
