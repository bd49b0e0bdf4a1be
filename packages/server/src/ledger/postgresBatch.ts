// One group-commit batch on PostgreSQL: the same plan as on SQLite, in one transaction of a few
// named prepared statements whose text never changes with the batch's size (rows travel as arrays,
// unnested), so PostgreSQL parses and plans each once per connection, and a batch costs the same
// few round trips whether it holds one call or five hundred: lock the holds it ends, then the
// instance row (admissions), key_counters and balances in one statement (each sorted by id: one
// lock order everywhere, so batches of several instances cannot deadlock), then write everything
// in one statement of data-modifying CTEs.
import type pg from "pg";
import { accountsToLock, endingRequestIds, hasAdmissions, planBatch, type BalanceRow, type BatchOutcome, type BatchWrites, type HoldRow, type KeyRow, type StoreBatchContext } from "./batchPlan.js";
import type { LedgerOp } from "./operations.js";

const HEARTBEAT = { name: "vendo_ledger_heartbeat", text: "update instances set heartbeat_at = $2 where id = $1" };
const LOCK_HOLDS = {
  name: "vendo_ledger_holds",
  text: "select request_id, tenant_id, key_id, amount, status from holds where request_id = any($1::text[]) order by request_id for update",
};
// The instance row (shared, for admissions; $1 null otherwise), then the keys' counters and the
// tenants' balances (for update), in that order, in one round trip. Integers travel as text.
const LOCK_ACCOUNTS = {
  name: "vendo_ledger_accounts",
  text: `
select
  (select json_build_object('epoch', epoch::text, 'heartbeat_at', heartbeat_at::text) from instances where id = $1 for share) as instance,
  (select coalesce(json_agg(x order by x.key_id), '[]') from (
    select c.key_id, c.usage::text, c.held::text, c.period_usage::text, c.period_start::text, c.day_usage::text, c.day_start::text,
      c.week_usage::text, c.week_start::text, c.month_usage::text, c.month_start::text, k.limit_amount::text, k.limit_reset
    from key_counters c join api_keys k on k.id = c.key_id
    where c.key_id = any($2::text[]) order by c.key_id for update of c) x) as keys,
  (select coalesce(json_agg(y order by y.tenant_id), '[]') from (
    select tenant_id, balance::text, held::text, credited::text, debited::text
    from balances where tenant_id = any($3::text[]) order by tenant_id for update) y) as balances`,
};

type Text<Row> = { [K in keyof Row]: Row[K] extends bigint ? string : Row[K] extends bigint | null ? string | null : Row[K] };

function keyRow(k: Text<KeyRow>): KeyRow {
  return {
    key_id: k.key_id,
    usage: BigInt(k.usage),
    held: BigInt(k.held),
    period_usage: BigInt(k.period_usage),
    period_start: BigInt(k.period_start),
    day_usage: BigInt(k.day_usage),
    day_start: BigInt(k.day_start),
    week_usage: BigInt(k.week_usage),
    week_start: BigInt(k.week_start),
    month_usage: BigInt(k.month_usage),
    month_start: BigInt(k.month_start),
    limit_amount: k.limit_amount === null ? null : BigInt(k.limit_amount),
    limit_reset: k.limit_reset,
  };
}

function balanceRow(b: Text<BalanceRow>): BalanceRow {
  return { tenant_id: b.tenant_id, balance: BigInt(b.balance), held: BigInt(b.held), credited: BigInt(b.credited), debited: BigInt(b.debited) };
}

// $1 now · $2 instance · $3 epoch · new holds $4–$12 · ends $13–$17 · legs $18–$24 · notes $25–$27
// · key counters $28–$38 · balances $39–$43 · operator accounts $44–$46 · ends' correlation $47–$48.
const WRITE = {
  name: "vendo_ledger_write",
  text: `
with new_holds as (
  insert into holds (request_id, tenant_id, key_id, amount, status, instance_id, epoch, integration, model, generation_id, credential_id, created_at, expires_at, ended_at, late, charge, upstream_cost)
  select r, t, k, a, 'pending', $2::text, $3::bigint, i, m, g, c, $1::bigint, e, null, 0, 0, 0
  from unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[]) as v(r, t, k, a, i, m, g, c, e)
), ends as (
  update holds h set status = v.s, ended_at = $1, late = v.l, charge = v.ch, upstream_cost = v.uc,
    generation_id = coalesce(v.g, h.generation_id), credential_id = coalesce(v.c, h.credential_id)
  from unnest($13::text[], $14::text[], $15::bigint[], $16::bigint[], $17::bigint[], $47::text[], $48::text[]) as v(r, s, l, ch, uc, g, c)
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
    ends.map((x) => x.generationId),
    ends.map((x) => x.credentialId),
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
    const ending = endingRequestIds(ops);
    const holds = byId(ending.length ? (await client.query<HoldRow>({ ...LOCK_HOLDS, values: [ending] })).rows : [], (h) => h.request_id);
    const { keyIds, tenantIds } = accountsToLock(ops, holds);
    const admits = hasAdmissions(ops);
    // The instance row under a shared lock: a reaper fencing this instance (an UPDATE of the row)
    // waits for our commit, and sees the heartbeat we refresh here if it had gone quiet (reaper.ts).
    const locked = (
      await client.query<{ instance: Text<{ epoch: bigint; heartbeat_at: bigint }> | null; keys: Array<Text<KeyRow>>; balances: Array<Text<BalanceRow>> }>({
        ...LOCK_ACCOUNTS,
        values: [admits ? context.instanceId : null, keyIds, tenantIds],
      })
    ).rows[0];
    let epoch: bigint | null = null;
    if (admits) {
      if (!locked?.instance) throw new Error(`instance ${context.instanceId} is not registered`);
      epoch = BigInt(locked.instance.epoch);
      if (BigInt(context.now) - BigInt(locked.instance.heartbeat_at) > BigInt(context.refreshHeartbeatAfterMs)) {
        await client.query({ ...HEARTBEAT, values: [context.instanceId, String(context.now)] });
      }
    }
    const keys = byId((locked?.keys ?? []).map(keyRow), (k) => k.key_id);
    const balances = byId((locked?.balances ?? []).map(balanceRow), (b) => b.tenant_id);

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
