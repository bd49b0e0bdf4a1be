// The reaper ends holds whose call can no longer settle them (docs/money.md, invariants 2 and 4):
// holds of an instance that went silent (killed, or stalled past the stale window) and this
// instance's own holds that no running call owns (a settlement that could not be committed, a call
// whose outcome is unknown). A silent instance is fenced first: its epoch is bumped, so if it was
// only stalled it learns so at its next admission, and its calls' charges post late instead of
// being lost. Each orphan is posted from the upstream's own record of its generation when the
// upstream has one, and expired otherwise; an expired hold's upstream spend, if any, shows up as
// drift on its credential and is booked by reconciliation.
import type { Logger } from "pino";
import type { Store } from "../store/db.js";
import type { CallsTable, HoldsTable } from "../store/schema.js";
import type { CallRecorder } from "./callRecords.js";
import type { Ledger } from "./ledger.js";
import { ledgerMetrics } from "./metrics.js";
import { toNanos, type ExactUsd } from "./money.js";

export interface GenerationFacts {
  /** The upstream's total cost, exactly (unrounded). */
  cost: ExactUsd;
  promptTokens: number;
  completionTokens: number;
  cancelled: boolean;
  streamed: boolean;
}

export interface ReaperDeps {
  store: Store;
  ledger: Ledger;
  calls: CallRecorder;
  logger: Logger;
  instanceId: string;
  /** This instance's calls still running: their holds are never touched. */
  inFlight: ReadonlySet<string>;
  /** An instance whose heartbeat is older than this is silent, and is fenced. 0: every other
   *  instance is (one process owns an SQLite file). */
  staleAfterMs: number;
  /** How long an orphan with a known generation waits for the upstream's record of it (the
   *  upstream may still be generating, or record it a moment after) before it expires. */
  recordGraceMs: number;
  markupBps(integration: string): bigint;
  /** The upstream's record of a generation; null when it has none (yet). Throws when unreachable. */
  lookupGeneration(hold: { integration: string; generationId: string; credentialId: string }): Promise<GenerationFacts | null>;
  /** Whether an integration's upstream keeps records of generations at all: when it keeps none,
   *  an orphan does not wait the grace period for one (default: it keeps them). */
  keepsGenerationRecords?(integration: string): boolean;
}

export interface ReapReport {
  /** Instances fenced by this pass. */
  fenced: number;
  posted: number;
  expired: number;
  /** Orphans left for a later pass (their upstream record is not there yet). */
  waiting: number;
}

const PAGE = 1000;

export function createReaper(deps: ReaperDeps) {
  const { db } = deps.store;

  /** Marks this instance alive (registering it on first beat). */
  async function heartbeat(now = Date.now()): Promise<void> {
    const updated = await db.updateTable("instances").set({ heartbeat_at: BigInt(now) }).where("id", "=", deps.instanceId).executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      await db.insertInto("instances").values({ id: deps.instanceId, started_at: BigInt(now), heartbeat_at: BigInt(now), epoch: 0n }).execute();
    }
  }

  /** Fences every silent instance that still has holds of its current epoch; returns how many. */
  async function fenceSilentInstances(now: number): Promise<number> {
    const staleBefore = BigInt(now - deps.staleAfterMs);
    const silent = await db
      .selectFrom("instances as i")
      .select(["i.id", "i.epoch"])
      .where("i.id", "!=", deps.instanceId)
      .where("i.heartbeat_at", "<=", staleBefore)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("holds as h")
            .select("h.request_id")
            .whereRef("h.instance_id", "=", "i.id")
            .whereRef("h.epoch", "=", "i.epoch")
            .where("h.status", "=", "pending"),
        ),
      )
      .execute();
    let fenced = 0;
    for (const instance of silent) {
      // Conditional on still being silent: an instance that woke up and beat (or admitted, which
      // refreshes its heartbeat under a lock on this row) keeps its holds.
      const bumped = await db
        .updateTable("instances")
        .set({ epoch: instance.epoch + 1n })
        .where("id", "=", instance.id)
        .where("epoch", "=", instance.epoch)
        .where("heartbeat_at", "<=", staleBefore)
        .executeTakeFirst();
      if (bumped.numUpdatedRows === 1n) {
        fenced++;
        deps.logger.warn({ instance: instance.id, epoch: (instance.epoch + 1n).toString() }, "silent instance fenced; its pending holds will be reaped");
      }
    }
    return fenced;
  }

  /** Pending holds no live call may own: of an older epoch than their instance's (or of no known
   *  instance), and our own (the caller skips those still in flight). A page after `after`. */
  async function orphans(after: string | null): Promise<HoldsTable[]> {
    let query = db
      .selectFrom("holds as h")
      .leftJoin("instances as i", "i.id", "h.instance_id")
      .selectAll("h")
      .where("h.status", "=", "pending")
      .where((eb) => eb.or([eb("i.id", "is", null), eb("h.epoch", "<", eb.ref("i.epoch")), eb("h.instance_id", "=", deps.instanceId)]))
      .orderBy("h.request_id")
      .limit(PAGE);
    if (after !== null) query = query.where("h.request_id", ">", after);
    return query.execute();
  }

  /** Ends every orphaned hold it can now; see the file's comment. */
  async function reap(now = Date.now()): Promise<ReapReport> {
    await deps.ledger.flush();
    const report: ReapReport = { fenced: await fenceSilentInstances(now), posted: 0, expired: 0, waiting: 0 };
    for (let page = await orphans(null); page.length > 0; page = await orphans(page.at(-1)?.request_id ?? null)) {
      for (const hold of page) {
        if (hold.instance_id === deps.instanceId && deps.inFlight.has(hold.request_id)) continue;
        const outcome = await resolveOrphan(hold, now);
        if (outcome) report[outcome]++;
      }
      if (page.length < PAGE) break;
    }
    if (report.fenced + report.posted + report.expired > 0) deps.logger.info({ ...report }, "orphaned holds reaped");
    return report;
  }

  /** Posts or expires one orphan, or leaves it for later; null if it was resolved meanwhile. */
  async function resolveOrphan(hold: HoldsTable, now: number): Promise<"posted" | "expired" | "waiting" | null> {
    let facts: GenerationFacts | null = null;
    if (hold.generation_id && hold.credential_id) {
      const waited = now - Number(hold.created_at);
      try {
        facts = await deps.lookupGeneration({ integration: hold.integration, generationId: hold.generation_id, credentialId: hold.credential_id });
      } catch (error) {
        // The upstream cannot be asked now (down, or the key revoked): try again at the next pass,
        // for as long as its record may still come; then the hold expires like one with no record.
        if (waited < deps.recordGraceMs) {
          deps.logger.warn({ requestId: hold.request_id, err: (error as Error).message }, "upstream record of an orphaned call unavailable; retrying later");
          return "waiting";
        }
      }
      const mayStillCome = deps.keepsGenerationRecords?.(hold.integration) ?? true;
      if (!facts && mayStillCome && waited < deps.recordGraceMs) return "waiting";
    }
    const record: CallsTable = {
      request_id: hold.request_id,
      tenant_id: hold.tenant_id,
      key_id: hold.key_id,
      deployment_id: null,
      integration: hold.integration,
      path: "",
      model: hold.model,
      generation_id: hold.generation_id,
      prompt_tokens: 0n,
      completion_tokens: 0n,
      upstream_cost: 0n,
      charge: 0n,
      estimated: 0n,
      streamed: 0n,
      status: "expired",
      http_status: 0n,
      latency_ms: BigInt(now - Number(hold.created_at)),
      created_at: hold.created_at,
    };
    if (facts && hold.credential_id) {
      const charge = hold.credential_id === "byok" ? 0n : toNanos(facts.cost, deps.markupBps(hold.integration));
      const upstreamCost = toNanos(facts.cost);
      const result = await deps.ledger.post(hold.request_id, {
        charge,
        upstreamCost,
        credentialId: hold.credential_id === "byok" ? null : hold.credential_id,
        integration: hold.integration,
      });
      if (result.outcome !== "posted" && result.outcome !== "posted_late") return null;
      deps.calls.record({
        ...record,
        prompt_tokens: BigInt(facts.promptTokens),
        completion_tokens: BigInt(facts.completionTokens),
        upstream_cost: upstreamCost,
        charge,
        streamed: facts.streamed ? 1n : 0n,
        status: "reconciled",
      });
      return "posted";
    }
    const result = await deps.ledger.expire(hold.request_id);
    if (result.outcome !== "expired") return null;
    const reason = hold.generation_id ? "no_upstream_record" : "unattributed";
    ledgerMetrics.expiredHolds.inc({ reason });
    deps.calls.record({ ...record, status: `expired_${reason}` });
    return "expired";
  }

  return { heartbeat, reap };
}
