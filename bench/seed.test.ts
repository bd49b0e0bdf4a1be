// The account endpoints' figure is only as good as its store: seedCalls must write the call records
// and the key's counters the endpoints read, consistent with each other.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { periodStart } from "../packages/server/src/ledger/periods.ts";
import { openStore } from "../packages/server/src/store/db.ts";
import { seedCalls, seedVendo } from "./seed.ts";

describe("bench seeding: call records", () => {
  const dir = mkdtempSync(join(tmpdir(), "vendo-bench-seed-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes N calls of the key and sets its counters to what they add up to", async () => {
    const store = { sqlitePath: join(dir, "vendo.db") };
    const seeded = await seedVendo({ store, secretKey: "ab".repeat(32), upstreamKey: "sk-or-v1-unused", keys: 2 });
    const now = Date.now();
    const calls = await seedCalls(store, { tenantId: seeded.tenantId, keyId: seeded.keyIds[0] as string, count: 1234, now });

    const opened = await openStore(store);
    try {
      const db = opened.db;
      const sums = await db
        .selectFrom("calls")
        .select((eb) => [eb.fn.countAll<bigint>().as("n"), eb.fn.sum<bigint>("charge").as("usage")])
        .where("key_id", "=", seeded.keyIds[0] as string)
        .executeTakeFirstOrThrow();
      assert.equal(Number(sums.n), 1234);
      assert.equal(BigInt(sums.usage), calls.usage);
      const today = await db
        .selectFrom("calls")
        .select((eb) => eb.fn.sum<bigint>("charge").as("s"))
        .where("created_at", ">=", BigInt(periodStart("daily", now)))
        .executeTakeFirstOrThrow();
      const counters = await db.selectFrom("key_counters").selectAll().where("key_id", "=", seeded.keyIds[0] as string).executeTakeFirstOrThrow();
      assert.equal(counters.usage, calls.usage);
      assert.equal(counters.day_usage, BigInt(today.s ?? 0));
      assert.equal(counters.day_start, BigInt(periodStart("daily", now)));
      // The other key is untouched, and the looked-up generation exists once.
      const other = await db.selectFrom("key_counters").select("usage").where("key_id", "=", seeded.keyIds[1] as string).executeTakeFirstOrThrow();
      assert.equal(other.usage, 0n);
      const found = await db.selectFrom("calls").select("request_id").where("generation_id", "=", calls.generationId).execute();
      assert.equal(found.length, 1);
    } finally {
      await opened.close();
    }
  });
});
