// The group-commit batcher: operations of one tick share a flush; operations nobody waits on
// linger until an urgent one carries them, or until drain() asks for everything.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBatcher } from "../../src/ledger/batcher.js";

type Op = { name: string; urgent: boolean };

function recorder() {
  const batches: string[][] = [];
  const flush = async (ops: Op[]) => {
    batches.push(ops.map((o) => o.name));
    return ops.map((o) => `done ${o.name}`);
  };
  return { batches, flush };
}

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe("group-commit batcher", () => {
  it("commits the operations of one tick in one flush, in order, each with its own result", async () => {
    const { batches, flush } = recorder();
    const batcher = createBatcher<Op, string>(flush);
    const results = await Promise.all(["a", "b", "c"].map((name) => batcher.submit({ name, urgent: true })));
    assert.deepEqual(results, ["done a", "done b", "done c"]);
    assert.deepEqual(batches, [["a", "b", "c"]]);
  });

  it("keeps an operation that may wait until an urgent one comes, then commits both together, oldest first", async () => {
    const { batches, flush } = recorder();
    const batcher = createBatcher<Op, string>(flush, { lingerMs: 60_000, mayWait: (op) => !op.urgent });
    let settled = false;
    const lingering = batcher.submit({ name: "settle", urgent: false }).then((r) => ((settled = true), r));
    await ticks(5);
    assert.equal(settled, false, "a lone operation that may wait was committed at once");
    assert.deepEqual(batches, []);
    const admitted = await batcher.submit({ name: "admit", urgent: true });
    assert.equal(admitted, "done admit");
    assert.equal(await lingering, "done settle");
    assert.deepEqual(batches, [["settle", "admit"]]);
  });

  it("commits a lone waiting operation once its linger is over", async () => {
    const { batches, flush } = recorder();
    const batcher = createBatcher<Op, string>(flush, { lingerMs: 5, mayWait: (op) => !op.urgent });
    assert.equal(await batcher.submit({ name: "settle", urgent: false }), "done settle");
    assert.deepEqual(batches, [["settle"]]);
  });

  it("drain() commits lingering operations now, without waiting out the linger", async () => {
    const { batches, flush } = recorder();
    const batcher = createBatcher<Op, string>(flush, { lingerMs: 60_000, mayWait: (op) => !op.urgent });
    const lingering = batcher.submit({ name: "settle", urgent: false });
    await batcher.drain();
    assert.deepEqual(batches, [["settle"]]);
    assert.equal(await lingering, "done settle");
  });

  it("rejects every operation of a failed flush, and goes on with the next ones", async () => {
    let fail = true;
    const batcher = createBatcher<Op, string>(async (ops) => {
      if (fail) {
        fail = false;
        throw new Error("store down");
      }
      return ops.map((o) => o.name);
    });
    const first = await Promise.allSettled([batcher.submit({ name: "a", urgent: true }), batcher.submit({ name: "b", urgent: true })]);
    assert.deepEqual(
      first.map((r) => r.status),
      ["rejected", "rejected"],
    );
    assert.equal(await batcher.submit({ name: "c", urgent: true }), "c");
  });
});
