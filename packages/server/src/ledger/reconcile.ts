// Holds that outlived their call: their instance died (kill -9, crash), or this instance has no
// call running for them (a settlement that could not be committed). Each is settled from the upstream's record of the generation when one is known,
// otherwise released. Charges therefore never exceed what the upstream served.
import type { Logger } from "pino";
import type { Store } from "../store/db.js";
import type { Ledger } from "./ledger.js";
import { toNanos, type ExactUsd } from "./money.js";

export interface GenerationFacts {
  /** The upstream's total cost, exactly (unrounded). */
  cost: ExactUsd;
  promptTokens: number;
  completionTokens: number;
  cancelled: boolean;
  streamed: boolean;
}

export interface ReconcilerDeps {
  store: Store;
  ledger: Ledger;
  logger: Logger;
  instanceId: string;
  /** The instance's own calls still running: never touched. */
  inFlight: ReadonlySet<string>;
  /** An instance whose heartbeat is older than this is dead. */
  staleAfterMs: number;
  markupBps(integration: string): bigint;
  /** Asks the upstream what a generation cost; null when it cannot tell. */
  lookupGeneration(hold: { integration: string; generationId: string; credentialId: string }): Promise<GenerationFacts | null>;
}

export function createReconciler(deps: ReconcilerDeps) {
  const { db } = deps.store;

  async function heartbeat(now = Date.now()): Promise<void> {
    const updated = await db.updateTable("instances").set({ heartbeat_at: BigInt(now) }).where("id", "=", deps.instanceId).executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      await db.insertInto("instances").values({ id: deps.instanceId, started_at: BigInt(now), heartbeat_at: BigInt(now) }).execute();
    }
  }

  /** Ends every orphaned or expired hold; returns how many it settled and released. */
  async function reconcile(now = Date.now()): Promise<{ settled: number; released: number }> {
    await deps.ledger.flush();
    const alive = db.selectFrom("instances").select("id").where("heartbeat_at", ">=", BigInt(now - deps.staleAfterMs));
    const holds = await db
      .selectFrom("holds")
      .selectAll()
      .where("status", "=", "open")
      // A live instance ends its own calls' holds, however long the call runs; only a dead
      // instance's holds, and our own that no call is running for, are orphans.
      .where((eb) => eb.or([eb("instance_id", "=", deps.instanceId), eb("instance_id", "not in", alive)]))
      .orderBy("created_at")
      .limit(1000)
      .execute();
    let settled = 0;
    let released = 0;
    for (const hold of holds) {
      if (hold.instance_id === deps.instanceId && deps.inFlight.has(hold.request_id)) continue;
      const facts =
        hold.generation_id && hold.credential_id
          ? await deps
              .lookupGeneration({ integration: hold.integration, generationId: hold.generation_id, credentialId: hold.credential_id })
              .catch(() => null)
          : null;
      const base = {
        deployment_id: null,
        integration: hold.integration,
        path: "",
        model: hold.model,
        generation_id: hold.generation_id,
        estimated: 0n,
        http_status: 0n,
        latency_ms: BigInt(now - Number(hold.created_at)),
        created_at: hold.created_at,
      };
      if (facts) {
        const charge = toNanos(facts.cost, deps.markupBps(hold.integration));
        const result = await deps.ledger.settle(hold.request_id, {
          ...base,
          prompt_tokens: BigInt(facts.promptTokens),
          completion_tokens: BigInt(facts.completionTokens),
          upstream_cost: toNanos(facts.cost),
          charge,
          streamed: facts.streamed ? 1n : 0n,
          status: "reconciled",
        });
        if (result.ended) settled++;
      } else {
        const result = await deps.ledger.release(hold.request_id, {
          ...base,
          prompt_tokens: 0n,
          completion_tokens: 0n,
          upstream_cost: 0n,
          charge: 0n,
          streamed: 0n,
          status: "released_orphan",
        });
        if (result.ended) released++;
      }
    }
    if (settled + released > 0) deps.logger.info({ settled, released }, "orphaned holds reconciled");
    return { settled, released };
  }

  return { heartbeat, reconcile };
}
