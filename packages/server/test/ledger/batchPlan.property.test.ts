// The ledger's pure core (batchPlan.ts), property-tested with fast-check (docs/money.md, invariants
// 1, 2 and 3): any sequence of admissions, posts, voids, expiries and notes, split into batches any
// way, applied the way the stores apply a plan's writes, keeps every account equal to its journal
// and all of them summing to zero; held equal to the pending holds; one resolution per hold (an
// expired hold posted at most once, late); a charge's legs equal to it; and no balance below zero
// while every charge stays within its hold.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { accountsToLock, endingRequestIds, planBatch, type BalanceRow, type HoldRow, type KeyRow, type NewEntry } from "../../src/ledger/batchPlan.js";
import type { AdmitResult, EndResult, LedgerOp } from "../../src/ledger/operations.js";
import type { HoldsTable } from "../../src/store/schema.js";

const TENANTS = ["t1", "t2"];
const KEYS: Record<string, { tenant: string; limit: bigint | null }> = { k1: { tenant: "t1", limit: null }, k2: { tenant: "t1", limit: 700n }, k3: { tenant: "t2", limit: null } };
const FUNDED = 1_000n;
const NOW = Date.UTC(2026, 10, 30, 12);

/** What a store holds, as the stores keep it: rows, the journal, operator accounts' sums. */
interface Model {
  holds: Map<string, HoldsTable>;
  keys: Map<string, KeyRow>;
  balances: Map<string, BalanceRow>;
  entries: NewEntry[];
  accounts: Map<string, { debits: bigint; credits: bigint }>;
}

function freshModel(): Model {
  const keys = new Map<string, KeyRow>();
  for (const [id, k] of Object.entries(KEYS)) {
    keys.set(id, {
      key_id: id,
      usage: 0n,
      held: 0n,
      period_usage: 0n,
      period_start: 0n,
      day_usage: 0n,
      day_start: 0n,
      week_usage: 0n,
      week_start: 0n,
      month_usage: 0n,
      month_start: 0n,
      limit_amount: k.limit,
      limit_reset: "none",
    });
  }
  // Each tenant starts funded: funding → tenant.
  const balances = new Map(TENANTS.map((t) => [t, { tenant_id: t, balance: FUNDED, held: 0n, credited: FUNDED, debited: 0n }]));
  const accounts = new Map([["funding", { debits: FUNDED * BigInt(TENANTS.length), credits: 0n }]]);
  const entries: NewEntry[] = TENANTS.map((t) => ({ kind: "topup", debit_account: "funding", credit_account: `tenant:${t}`, amount: FUNDED, tenant_id: t, request_id: null, idempotency_key: null, memo: null, created_at: 0n }));
  return { holds: new Map(), keys, balances, entries, accounts };
}

/** One batch, as sqliteBatch.ts / postgresBatch.ts run it: read copies of the rows, plan, write back. */
function runBatch(model: Model, ops: LedgerOp[]) {
  const holds = new Map<string, HoldRow>();
  for (const id of endingRequestIds(ops)) {
    const h = model.holds.get(id);
    if (h) holds.set(id, { request_id: h.request_id, tenant_id: h.tenant_id, key_id: h.key_id, amount: h.amount, status: h.status });
  }
  const { keyIds, tenantIds } = accountsToLock(ops, holds);
  const keys = new Map(keyIds.filter((id) => model.keys.has(id)).map((id) => [id, { ...(model.keys.get(id) as KeyRow) }]));
  const balances = new Map(tenantIds.map((id) => [id, { ...(model.balances.get(id) as BalanceRow) }]));
  const { results, writes } = planBatch(ops, { holds, keys, balances }, { now: NOW, instanceId: "ins", epoch: 0n });
  for (const h of writes.newHolds) model.holds.set(h.request_id, { ...h });
  for (const e of writes.ends) {
    const h = model.holds.get(e.requestId) as HoldsTable;
    Object.assign(h, { status: e.status, late: e.late ? 1n : 0n, charge: e.charge, upstream_cost: e.upstreamCost });
  }
  model.entries.push(...writes.entries);
  for (const n of writes.notes) {
    const h = model.holds.get(n.requestId);
    if (h && h.status === "pending") Object.assign(h, { generation_id: n.generationId ?? h.generation_id, credential_id: n.credentialId });
  }
  for (const k of writes.keys) model.keys.set(k.key_id, { ...k });
  for (const b of writes.balances) model.balances.set(b.tenant_id, { ...b });
  for (const a of writes.accounts) {
    const sums = model.accounts.get(a.id) ?? { debits: 0n, credits: 0n };
    model.accounts.set(a.id, { debits: sums.debits + a.debits, credits: sums.credits + a.credits });
  }
  return results;
}

/** An operation drawn against a small pool of request ids, so posts, voids and replays collide. */
const requestId = fc.integer({ min: 0, max: 11 }).map((n) => `req_${n}`);
const operation: fc.Arbitrary<LedgerOp> = fc.oneof(
  fc.record({
    type: fc.constant("admit" as const),
    requestId,
    keyId: fc.constantFrom(...Object.keys(KEYS)),
    amount: fc.bigInt({ min: 1n, max: 400n }),
  }).map((a) => ({ ...a, tenantId: (KEYS[a.keyId] as { tenant: string }).tenant, integration: "openrouter", model: null, expiresAt: NOW + 60_000 })),
  fc.record({
    type: fc.constant("post" as const),
    requestId,
    charge: fc.bigInt({ min: 0n, max: 500n }),
    costShare: fc.integer({ min: 0, max: 100 }),
    credential: fc.constantFrom("pc_a", "pc_b", null),
  }).map(({ type, requestId, charge, costShare, credential }) => ({
    type,
    requestId,
    posting: { charge, upstreamCost: (charge * BigInt(costShare)) / 100n, credentialId: credential, integration: "openrouter" },
  })),
  fc.record({ type: fc.constant("void" as const), requestId }),
  fc.record({ type: fc.constant("expire" as const), requestId }),
  fc.record({ type: fc.constant("note" as const), requestId, generationId: fc.option(fc.constant("gen-x"), { nil: null }), credentialId: fc.constant("pc_a") }),
);

/** Operations and where the batches split them. */
const scenario = fc.tuple(fc.array(operation, { minLength: 1, maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 60 }));

function batches<T>(items: T[], sizes: number[]): T[][] {
  const out: T[][] = [];
  for (let i = 0, s = 0; i < items.length; s++) {
    const size = sizes[s % sizes.length] as number;
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

function checkInvariants(model: Model): void {
  // invariant 1: every account equals its journal; all accounts sum to zero.
  const journal = new Map<string, { debits: bigint; credits: bigint }>();
  const leg = (account: string, debit: bigint, credit: bigint) => {
    const s = journal.get(account) ?? { debits: 0n, credits: 0n };
    journal.set(account, { debits: s.debits + debit, credits: s.credits + credit });
  };
  for (const e of model.entries) {
    assert.ok(e.amount > 0n, "a transfer moves a positive amount");
    leg(e.debit_account, e.amount, 0n);
    leg(e.credit_account, 0n, e.amount);
  }
  let total = 0n;
  for (const [t, b] of model.balances) {
    const s = journal.get(`tenant:${t}`) ?? { debits: 0n, credits: 0n };
    assert.equal(b.balance, s.credits - s.debits, `tenant ${t}'s balance is its journal`);
    assert.deepEqual([b.credited, b.debited], [s.credits, s.debits]);
    total += b.balance;
  }
  for (const [id, a] of model.accounts) {
    assert.deepEqual(a, journal.get(id) ?? { debits: 0n, credits: 0n }, `account ${id} is its journal`);
    total += a.credits - a.debits;
  }
  assert.equal(total, 0n, "all accounts sum to zero");

  // invariant 2: held is the pending holds; each resolved hold's legs equal its charge.
  for (const [t, b] of model.balances) {
    const pending = [...model.holds.values()].filter((h) => h.tenant_id === t && h.status === "pending").reduce((s, h) => s + h.amount, 0n);
    assert.equal(b.held, pending, `tenant ${t}'s held`);
  }
  for (const [k, row] of model.keys) {
    const pending = [...model.holds.values()].filter((h) => h.key_id === k && h.status === "pending").reduce((s, h) => s + h.amount, 0n);
    assert.equal(row.held, pending, `key ${k}'s held`);
    const posted = [...model.holds.values()].filter((h) => h.key_id === k && h.status === "posted").reduce((s, h) => s + h.charge, 0n);
    assert.equal(row.usage, posted, `key ${k}'s usage`);
  }
  for (const h of model.holds.values()) {
    const legs = model.entries.filter((e) => e.request_id === h.request_id);
    assert.equal(legs.reduce((s, e) => s + e.amount, 0n), h.status === "posted" ? h.charge : 0n, `legs of ${h.request_id}`);
    assert.ok(legs.filter((e) => e.kind === "charge").length <= 1 && legs.filter((e) => e.kind === "markup").length <= 1, `${h.request_id} posted once`);
  }
}

describe("the ledger's batch plan, under any interleaving (fast-check)", () => {
  it("invariants 1 and 2: conservation, held == pending holds, one resolution per hold, legs == charge", () => {
    fc.assert(
      fc.property(scenario, ([ops, sizes]) => {
        const model = freshModel();
        // A request id is admitted at most once (the proxy mints a new one per call).
        const admitted = new Set<string>();
        const valid = ops.filter((op) => op.type !== "admit" || (!admitted.has(op.requestId) && admitted.add(op.requestId)));
        const lifecycle = new Map<string, string[]>();
        for (const batch of batches(valid, sizes)) {
          const results = runBatch(model, batch);
          batch.forEach((op, i) => {
            if (op.type === "post" || op.type === "void" || op.type === "expire") {
              const outcome = (results[i] as EndResult).outcome;
              if (outcome !== "duplicate" && outcome !== "missing") lifecycle.set(op.requestId, [...(lifecycle.get(op.requestId) ?? []), outcome]);
            }
          });
          checkInvariants(model);
        }
        // One resolution per hold: one of posted/voided/expired, or expired then posted late.
        for (const [id, seen] of lifecycle) {
          const allowed = [["posted"], ["voided"], ["expired"], ["expired", "posted_late"]];
          assert.ok(allowed.some((a) => a.join() === seen.join()), `${id}: ${seen.join(" → ")}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("invariant 3: with every charge within its hold, available stays ≥ 0 and no balance goes below zero, whatever the concurrency", () => {
    fc.assert(
      fc.property(scenario, ([ops, sizes]) => {
        const model = freshModel();
        const admittedAmount = new Map<string, bigint>();
        const admitted = new Set<string>();
        const valid = ops.filter((op) => op.type !== "admit" || (!admitted.has(op.requestId) && admitted.add(op.requestId)));
        for (const batch of batches(valid, sizes)) {
          // Posts charge at most what the hold they post holds (the hold covers the worst case),
          // and never after an expiry (no late charge).
          const bounded = batch.flatMap((op): LedgerOp[] => {
            if (op.type !== "post") return [op];
            const hold = model.holds.get(op.requestId);
            const held = admittedAmount.get(op.requestId);
            if (!hold || hold.status !== "pending" || held === undefined) return [];
            const charge = op.posting.charge < held ? op.posting.charge : held;
            return [{ ...op, posting: { ...op.posting, charge, upstreamCost: op.posting.upstreamCost < charge ? op.posting.upstreamCost : charge } }];
          });
          const results = runBatch(model, bounded);
          bounded.forEach((op, i) => {
            if (op.type === "admit" && (results[i] as AdmitResult).ok) admittedAmount.set(op.requestId, (results[i] as { amount: bigint }).amount);
          });
          for (const [t, b] of model.balances) {
            assert.ok(b.balance >= 0n, `tenant ${t}'s balance ${b.balance}`);
            assert.ok(b.balance - b.held >= 0n, `tenant ${t}'s available`);
          }
          for (const [k, row] of model.keys) {
            if (row.limit_amount !== null) assert.ok(row.period_usage + row.held <= row.limit_amount, `key ${k} within its limit`);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
