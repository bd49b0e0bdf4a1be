// Whether this instance should get traffic: not once shutdown has begun, and not while the store
// does not answer.
import { sql } from "kysely";
import type { ServerContext } from "../context.js";

export async function readiness(ctx: ServerContext): Promise<{ ready: true } | { ready: false; reason: string }> {
  if (ctx.lifecycle.shuttingDown) return { ready: false, reason: "Shutting down: finishing the calls in flight." };
  try {
    await sql`select 1`.execute(ctx.store.db);
    return { ready: true };
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, "readiness: store unavailable");
    return { ready: false, reason: "The store is unavailable." };
  }
}
