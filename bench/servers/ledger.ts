// Child process: the ledger module alone (no HTTP), to measure the group commit's ceiling. Workers
// run admit → settle in a loop, as the proxy does for each call, for a fixed time.
import { createCallRecorder } from "../../packages/server/src/ledger/callRecords.ts";
import { createLedger } from "../../packages/server/src/ledger/ledger.ts";
import type { CallsTable } from "../../packages/server/src/store/schema.ts";
import { createLogger } from "../../packages/server/src/logger.ts";
import { newId } from "../../packages/server/src/security/apiKeys.ts";
import { openStore, type StoreConfig } from "../../packages/server/src/store/db.ts";
import { childConfig, serveChild } from "./ipc.ts";

const config = childConfig<{ store: StoreConfig; tenantId: string; keyId: string }>();

await serveChild(async () => {
  const store = await openStore(config.store);
  const instanceId = newId("ins");
  const logger = createLogger("warn");
  await store.db.insertInto("instances").values({ id: instanceId, started_at: BigInt(Date.now()), heartbeat_at: BigInt(Date.now()), epoch: 0n }).execute();
  const ledger = createLedger(store, { instanceId, instanceStaleMs: 10_000, logger });
  // Each call ends as the proxy ends it: a post in the money transaction, its record after it.
  const calls = createCallRecorder(store, logger);
  const call = (requestId: string, now: number): CallsTable => ({
    request_id: requestId,
    tenant_id: config.tenantId,
    key_id: config.keyId,
    deployment_id: null,
    integration: "openrouter",
    path: "/v1/chat/completions",
    model: "openai/gpt-4o-mini",
    generation_id: null,
    prompt_tokens: 12n,
    completion_tokens: 40n,
    upstream_cost: 25_800n,
    charge: 25_800n,
    estimated: 0n,
    streamed: 0n,
    status: "ok",
    http_status: 200n,
    latency_ms: 1n,
    created_at: BigInt(now),
  });
  return {
    url: "ledger://",
    close: async () => {
      await ledger.flush();
      await calls.flush();
      await store.close();
    },
    handlers: {
      async run(args) {
        const { durationS, concurrency } = args as { durationS: number; concurrency: number };
        const end = performance.now() + durationS * 1000;
        let settled = 0;
        let refused = 0;
        const worker = async () => {
          while (performance.now() < end) {
            const requestId = newId("req");
            const now = Date.now();
            const admitted = await ledger.admit({
              requestId,
              tenantId: config.tenantId,
              keyId: config.keyId,
              amount: 2_500_000n,
              integration: "openrouter",
              model: "openai/gpt-4o-mini",
              expiresAt: now + 600_000,
            });
            if (!admitted.ok) {
              refused++;
              continue;
            }
            const r = await ledger.post(requestId, { charge: 25_800n, upstreamCost: 25_800n, credentialId: "pc_bench", integration: "openrouter" });
            if (r.outcome === "posted") settled++;
            calls.record(call(requestId, now));
          }
        };
        const start = performance.now();
        await Promise.all(Array.from({ length: concurrency }, worker));
        await ledger.flush();
        await calls.flush();
        const seconds = (performance.now() - start) / 1000;
        return { settled, refused, seconds, perSecond: settled / seconds };
      },
    },
  };
});
