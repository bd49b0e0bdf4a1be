// One group-commit batch on PostgreSQL: the same plan as on SQLite, in one transaction of a few
// named prepared statements whose text never changes with the batch's size (rows travel as arrays,
// unnested), so PostgreSQL parses and plans each once per connection, and a batch costs the same
// handful of round trips whether it holds one call or five hundred:
//   lock the instance row (admissions), lock holds → key_counters → balances (each sorted by id:
//   one lock order everywhere, so batches of several instances cannot deadlock), then write
//   everything in one statement of data-modifying CTEs.
import type pg from "pg";
import { accountsToLock, endingRequestIds, hasAdmissions, planBatch, type BalanceRow, type BatchOutcome, type BatchWrites, type HoldRow, type KeyRow, type StoreBatchContext } from "./batchPlan.js";
import type { LedgerOp } from "./operations.js";

const LOCK_INSTANCE = { name: "vendo_ledger_instance", text: "select epoch, heartbeat_at from instances where id = $1 for share" };
const HEARTBEAT = { name: "vendo_ledger_heartbeat", text: "update instances set heartbeat_at = $2 where id = $1" };
const LOCK_HOLDS = {
  name: "vendo_ledger_holds",
  text: "select request_id, tenant_id, key_id, amount, status from holds where request_id = any($1::text[]) order by request_id for update",
};
const LOCK_KEYS = {
  name: "vendo_ledger_keys",
  text:
    "select c.*, k.limit_amount, k.limit_reset from key_counters c join api_keys k on k.id = c.key_id " +
    "where c.key_id = any($1::text[]) order by c.key_id for update of c",
};
const LOCK_BALANCES = {
  name: "vendo_ledger_balances",
  text: "select tenant_id, balance, held, credited, debited from balances where tenant_id = any($1::text[]) order by tenant_id for update",
};

// $1 now · $2 instance · $3 epoch · new holds $4–$12 · ends $13–$17 · legs $18–$24 · notes $25–$27
// · key counters $28–$38 · balances $39–$43 · operator accounts $44–$46.
const WRITE = {
  name: "vendo_ledger_write",
  text: `
with new_holds as (
  insert into holds (request_id, tenant_id, key_id, amount, status, instance_id, epoch, integration, model, generation_id, credential_id, created_at, expires_at, ended_at, late, charge, upstream_cost)
  select r, t, k, a, 'pending', $2::text, $3::bigint, i, m, g, c, $1::bigint, e, null, 0, 0, 0
  from unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[]) as v(r, t, k, a, i, m, g, c, e)
), ends as (
  update holds h set status = v.s, ended_at = $1, late = v.l, charge = v.ch, upstream_cost = v.uc
  from unnest($13::text[], $14::text[], $15::bigint[], $16::bigint[], $17::bigint[]) as v(r, s, l, ch, uc)
  where h.request_id = v.r
), legs as (
  insert into ledger_entries (kind, debit_account, credit_account, amount, tenant_id, request_id, idempotency_key, memo, created_at)
  select kind, d, c, a, t, r, null, memo, $1::bigint
  from unnest($18::text[], $19::text[], $20::text[], $21::bigint[], $22::text[], $23::text[], $24::text[]) with ordinality as v(kind, d, c, a, t, r, memo, n)
  order by n
), notes as (
  update holds h set generation_id = coalesce(v.g, h.generation_id), credential_id = v.c
  from unnest($25::text[], $26::text[], $27::text[]) as v(r, g, c)
  where h.request_id = v.r and h.status = 'pending'
), keys as (
  update key_counters c set usage = v.u, held = v.h, period_usage = v.pu, period_start = v.ps, day_usage = v.du, day_start = v.ds,
    week_usage = v.wu, week_start = v.ws, month_usage = v.mu, month_start = v.ms
  from unnest($28::text[], $29::bigint[], $30::bigint[], $31::bigint[], $32::bigint[], $33::bigint[], $34::bigint[], $35::bigint[], $36::bigint[], $37::bigint[], $38::bigint[])
    as v(id, u, h, pu, ps, du, ds, wu, ws, mu, ms)
  where c.key_id = v.id
), balances as (
  update balances b set balance = v.b, held = v.h, credited = v.c, debited = v.d, updated_at = $1
  from unnest($39::text[], $40::bigint[], $41::bigint[], $42::bigint[], $43::bigint[]) as v(id, b, h, c, d)
  where b.tenant_id = v.id
), accounts as (
  insert into accounts (id, debits, credits, updated_at)
  select id, d, c, $1::bigint from unnest($44::text[], $45::bigint[], $46::bigint[]) with ordinality as v(id, d, c, n)
  order by n
  on conflict (id) do update set debits = accounts.debits + excluded.debits, credits = accounts.credits + excluded.credits, updated_at = excluded.updated_at
)
select 1`,
};

// pg sends JavaScript strings for bigint[] parameters exactly; a bigint itself it would not.
const s = (v: bigint) => v.toString();

/** The batch's writes as the WRITE statement's parameters. */
function writeParams(writes: BatchWrites, context: StoreBatchContext, epoch: bigint): unknown[] {
  const { newHolds: h, ends, entries, notes, keys, balances, accounts } = writes;
  return [
    String(context.now),
    context.instanceId,
    s(epoch),
    h.map((x) => x.request_id),
    h.map((x) => x.tenant_id),
    h.map((x) => x.key_id),
    h.map((x) => s(x.amount)),
    h.map((x) => x.integration),
    h.map((x) => x.model),
    h.map((x) => x.generation_id),
    h.map((x) => x.credential_id),
    h.map((x) => s(x.expires_at)),
    ends.map((x) => x.requestId),
    ends.map((x) => x.status),
    ends.map((x) => (x.late ? "1" : "0")),
    ends.map((x) => s(x.charge)),
    ends.map((x) => s(x.upstreamCost)),
    entries.map((x) => x.kind),
    entries.map((x) => x.debit_account),
    entries.map((x) => x.credit_account),
    entries.map((x) => s(x.amount)),
    entries.map((x) => x.tenant_id),
    entries.map((x) => x.request_id),
    entries.map((x) => x.memo),
    notes.map((x) => x.requestId),
    notes.map((x) => x.generationId),
    notes.map((x) => x.credentialId),
    keys.map((x) => x.key_id),
    keys.map((x) => s(x.usage)),
    keys.map((x) => s(x.held)),
    keys.map((x) => s(x.period_usage)),
    keys.map((x) => s(x.period_start)),
    keys.map((x) => s(x.day_usage)),
    keys.map((x) => s(x.day_start)),
    keys.map((x) => s(x.week_usage)),
    keys.map((x) => s(x.week_start)),
    keys.map((x) => s(x.month_usage)),
    keys.map((x) => s(x.month_start)),
    balances.map((x) => x.tenant_id),
    balances.map((x) => s(x.balance)),
    balances.map((x) => s(x.held)),
    balances.map((x) => s(x.credited)),
    balances.map((x) => s(x.debited)),
    accounts.map((x) => x.id),
    accounts.map((x) => s(x.debits)),
    accounts.map((x) => s(x.credits)),
  ];
}

function byId<Row>(rows: Row[], id: (row: Row) => string): Map<string, Row> {
  return new Map(rows.map((row) => [id(row), row]));
}

/** Runs one batch in its own transaction on a pooled connection; rolls back on any error. */
export async function applyBatchPostgres(pool: pg.Pool, ops: LedgerOp[], context: StoreBatchContext): Promise<BatchOutcome> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    let epoch: bigint | null = null;
    if (hasAdmissions(ops)) {
      // Shared lock: a reaper fencing this instance (an UPDATE of this row) waits for our commit,
      // and sees the heartbeat we refresh here if it had gone quiet (see reaper.ts).
      const instance = (await client.query<{ epoch: bigint; heartbeat_at: bigint }>({ ...LOCK_INSTANCE, values: [context.instanceId] })).rows[0];
      if (!instance) throw new Error(`instance ${context.instanceId} is not registered`);
      epoch = instance.epoch;
      if (BigInt(context.now) - instance.heartbeat_at > BigInt(context.refreshHeartbeatAfterMs)) {
        await client.query({ ...HEARTBEAT, values: [context.instanceId, String(context.now)] });
      }
    }
    const ending = endingRequestIds(ops);
    const holds = byId(ending.length ? (await client.query<HoldRow>({ ...LOCK_HOLDS, values: [ending] })).rows : [], (h) => h.request_id);
    const { keyIds, tenantIds } = accountsToLock(ops, holds);
    const keys = byId(keyIds.length ? (await client.query<KeyRow>({ ...LOCK_KEYS, values: [keyIds] })).rows : [], (k) => k.key_id);
    const balances = byId(tenantIds.length ? (await client.query<BalanceRow>({ ...LOCK_BALANCES, values: [tenantIds] })).rows : [], (b) => b.tenant_id);

    const { results, writes } = planBatch(ops, { holds, keys, balances }, { now: context.now, instanceId: context.instanceId, epoch: epoch ?? 0n });
    await client.query({ ...WRITE, values: writeParams(writes, context, epoch ?? 0n) });
    await client.query("commit");
    return { results, epoch };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
