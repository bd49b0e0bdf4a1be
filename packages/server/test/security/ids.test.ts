import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newId, newTimeOrderedId } from "../../src/security/apiKeys.js";

describe("ids", () => {
  it("newId is the kind, an underscore and 16 base62 characters", () => {
    assert.match(newId("ten"), /^ten_[0-9A-Za-z]{16}$/);
    assert.notEqual(newId("ten"), newId("ten"));
  });

  it("newTimeOrderedId sorts by creation time, then is unique within a millisecond", () => {
    const times = [0, 61, 62, 1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000];
    const ids = times.map((t) => newTimeOrderedId("req", t));
    for (const id of ids) assert.match(id, /^req_[0-9A-Za-z]{18}$/);
    // Byte order (what SQLite and PostgreSQL's C collation use for a text key) follows time order.
    assert.deepEqual([...ids].sort(), ids);
    const sameMs = new Set(Array.from({ length: 1000 }, () => newTimeOrderedId("req", 5)));
    assert.equal(sameMs.size, 1000);
  });
});
