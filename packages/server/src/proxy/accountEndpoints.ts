// The facts an adapter's emulated account endpoints answer from (the calling key, its tenant, one
// of its calls, the upstream's model list, Vendo's prices), read from Vendo's own books. Every read
// goes to counters the ledger keeps (key_counters, balances) or one indexed row: its cost does not
// grow with the history stored. Each first lets the ledger commit what it has queued (a
// settlement may linger a few ms): a client reads its own last call.
import type { Integration } from "@vendo/integrations";
import type { AccountFacts, CallFacts, KeyFacts } from "@vendo/integrations/adapters";
import type { CallRecorder } from "../ledger/callRecords.js";
import type { Ledger } from "../ledger/ledger.js";
import { formatUsd, NANOS_PER_USD, nanosToUsdNumber, parseExactUsd, toNanos } from "../ledger/money.js";
import { periodStart } from "../ledger/periods.js";
import type { Store } from "../store/db.js";
import type { CallsTable } from "../store/schema.js";
import type { KeyRecord } from "./keyCache.js";
import type { PriceBook } from "./priceBook.js";

export interface AccountFactsDeps {
  store: Store;
  ledger: Ledger;
  calls: CallRecorder;
  priceBook: PriceBook;
  markupBps(slug: string): bigint;
}

/** The facts of one request: `key` is null for a public endpoint (no key was asked for). */
export function accountFacts(deps: AccountFactsDeps, integration: Integration, key: KeyRecord | null): AccountFacts {
  const { db } = deps.store;
  const markup = deps.markupBps(integration.slug);
  const needKey = (): KeyRecord => {
    if (!key) throw new Error("an account endpoint that reads the key must not be public");
    return key;
  };

  return {
    async key(): Promise<KeyFacts> {
      const k = needKey();
      await deps.ledger.flush();
      const row = await db
        .selectFrom("api_keys as k")
        .innerJoin("key_counters as c", "c.key_id", "k.id")
        .select(["k.name", "k.prefix", "c.usage", "c.held", "c.period_usage", "c.period_start", "c.day_usage", "c.day_start", "c.week_usage", "c.week_start", "c.month_usage", "c.month_start"])
        .where("k.id", "=", k.id)
        .executeTakeFirstOrThrow();
      const now = Date.now();
      // A period that ended counts as zero until the next charge rolls its counter over.
      const inPeriod = (usage: bigint, start: bigint, reset: "daily" | "weekly" | "monthly" | "none") => (start < BigInt(periodStart(reset, now)) ? 0n : usage);
      return {
        name: row.name,
        prefix: row.prefix,
        limit: k.limitAmount,
        limitReset: k.limitReset,
        limitUsed: inPeriod(row.period_usage, row.period_start, k.limitReset) + row.held,
        usage: row.usage,
        usageDaily: inPeriod(row.day_usage, row.day_start, "daily"),
        usageWeekly: inPeriod(row.week_usage, row.week_start, "weekly"),
        usageMonthly: inPeriod(row.month_usage, row.month_start, "monthly"),
        rpm: k.rpm,
        expiresAt: k.expiresAt,
      };
    },

    async credits() {
      const k = needKey();
      await deps.ledger.flush();
      const row = await db.selectFrom("balances").select(["credited", "debited"]).where("tenant_id", "=", k.tenantId).executeTakeFirstOrThrow();
      return { credited: row.credited, debited: row.debited };
    },

    async call(id) {
      const k = needKey();
      const call = await findCall(deps, id);
      return call && call.tenant_id === k.tenantId ? callFacts(call) : null;
    },

    models: () => deps.priceBook.models(integration),
    markedUp: (price) => markedUpPrice(price, markup),
    usd: nanosToUsdNumber,
    usdText: formatUsd,
  };
}

/** A call by generation or request id: still in the outbox, or one indexed row. */
async function findCall(deps: AccountFactsDeps, id: string): Promise<CallsTable | undefined> {
  await deps.ledger.flush();
  const queued = deps.calls.queued(id);
  if (queued) return queued;
  const { db } = deps.store;
  const stored = await db.selectFrom("calls").selectAll().where("request_id", "=", id).executeTakeFirst();
  return stored ?? (await db.selectFrom("calls").selectAll().where("generation_id", "=", id).executeTakeFirst());
}

function callFacts(call: CallsTable): CallFacts {
  return {
    requestId: call.request_id,
    generationId: call.generation_id,
    model: call.model,
    path: call.path,
    createdAt: Number(call.created_at),
    charge: call.charge,
    upstreamCost: call.upstream_cost,
    promptTokens: Number(call.prompt_tokens),
    completionTokens: Number(call.completion_tokens),
    streamed: call.streamed === 1n,
    status: call.status,
    estimated: call.estimated === 1n,
    latencyMs: Number(call.latency_ms),
  };
}

/** A per-unit USD price string with the markup applied, exact to 1e-18 USD, rounded up. */
export function markedUpPrice(price: string, markupBps: bigint): string {
  const unit = parseExactUsd(price);
  if (!unit) return price;
  // price × markup in 1e-18 USD (nano-USD of a price 10^9 times larger), rounded up once,
  // written back as a decimal with 18 places.
  const up = toNanos({ numerator: unit.numerator * NANOS_PER_USD, scale: unit.scale }, markupBps, "up");
  const whole = up / 10n ** 18n;
  const frac = (up % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}
