// PostgreSQL: two Vendo instances on one database and one hot tenant (issue 11, "Bench v2").
import { failures, find, present, type RunContext, sleep } from "../context.ts";
import { sequentialLatency } from "../measure/latency.ts";
import { pgCommitLatency } from "../measure/pgCommit.ts";
import { throughput } from "../measure/throughput.ts";
import { startVendoPair } from "../scenarios.ts";
import type { StoreAudit } from "../servers/vendo.ts";
import { percentile } from "../stats.ts";
import type { Target } from "../target.ts";

interface LedgerCounts {
  charges: number;
  holds: number;
  openHolds: number;
}

/**
 * Two Vendo instances on one PostgreSQL database, one hot tenant: admissions per second with the
 * load split over both, added latency at c=1 through each, and afterwards every money invariant
 * checked on the store and against the sandbox's own bill.
 */
export async function pgSharedFigures(ctx: RunContext): Promise<void> {
  if (!ctx.databaseUrl) {
    ctx.notes.add("pgShared: not measured (needs PostgreSQL: DATABASE_URL, or VENDO_BENCH_POSTGRES=1)");
    return;
  }
  const p = ctx.plan.pgShared;
  const pair = await startVendoPair(ctx.env, { databaseUrl: ctx.databaseUrl, keys: p.keys, label: "vendo-postgres-pair" });
  try {
    const [a, b] = pair.instances.map((r) => r.target) as [Target, Target];
    const half = Math.max(1, Math.floor(p.connections / 2));
    const split = [half, Math.max(1, p.connections - half)];
    const load = (durationS: number) => Promise.all([a, b].map((t, i) => throughput(t, { connections: split[i] as number, durationS, keys: pair.keys })));
    if (p.warmupS) await load(p.warmupS);
    const before = await a.server.rpc<LedgerCounts>("ledger");
    const started = performance.now();
    const [ra, rb] = (await load(p.durationS)) as [Awaited<ReturnType<typeof throughput>>, Awaited<ReturnType<typeof throughput>>];
    const seconds = (performance.now() - started) / 1000;
    const after = await a.server.rpc<LedgerCounts>("ledger");
    ctx.values.set("pg2.admissions", (after.holds - before.holds) / seconds);
    ctx.values.set("pg2.rps", ra.rps + rb.rps);
    ctx.values.set("pg2.rps.a", ra.rps);
    ctx.values.set("pg2.rps.b", rb.rps);
    ctx.values.set("pg2.cpuUs.a", ra.ok > 0 ? (ra.serverCpuMs * 1000) / ra.ok : Number.NaN);
    ctx.values.set("pg2.cpuUs.b", rb.ok > 0 ? (rb.serverCpuMs * 1000) / rb.ok : Number.NaN);
    failures(ctx, "two instances on PostgreSQL", "vendo-postgres", ra.failures + rb.failures);

    const refs = present(ctx, ["direct", "passthrough"]);
    const lat = await sequentialLatency([...refs, a, b], { samples: p.latencySamples, warmup: 50, block: Math.max(5, Math.ceil(p.latencySamples / 10)) });
    const direct = lat.get("direct");
    if (direct && direct.samples.length > 0) {
      const d50 = percentile(direct.samples, 50);
      for (const [t, key] of [[find(ctx, "passthrough"), "passthrough"], [a, "a"], [b, "b"]] as const) {
        const r = t ? lat.get(t.name) : undefined;
        if (r && r.samples.length > 0) ctx.values.set(`pg2.added50.${key}`, percentile(r.samples, 50) - d50);
      }
    }

    // The floor under these figures: one durable commit on this machine's PostgreSQL.
    const commit = await pgCommitLatency(ctx.databaseUrl, pair.pgSchema, Math.min(200, p.latencySamples));
    ctx.values.set("pg2.commit50", commit.p50Us);
    ctx.values.set("pg2.commit99", commit.p99Us);
    if (commit.synchronousCommit !== "on") ctx.notes.add(`pgShared: PostgreSQL runs with synchronous_commit = ${commit.synchronousCommit}`);

    // Every call settled, nothing left upstream: then the invariants.
    await Promise.all([a, b].map((t) => t.server.rpc("settled")));
    const deadline = performance.now() + 30_000;
    let counts = await a.server.rpc<LedgerCounts>("ledger");
    let upstream = await ctx.env.sandbox.rpc<SandboxKeyTotals>("totals", pair.upstreamKey);
    while ((counts.openHolds > 0 || upstream.inFlight > 0) && performance.now() < deadline) {
      await sleep(20);
      counts = await a.server.rpc<LedgerCounts>("ledger");
      upstream = await ctx.env.sandbox.rpc<SandboxKeyTotals>("totals", pair.upstreamKey);
    }
    const audit = await a.server.rpc<StoreAudit>("audit");
    const credential = audit.credentials[0];
    ctx.values.set("pg2.auditOk", audit.ok ? 1 : 0);
    ctx.values.set("pg2.pending", audit.pendingHolds);
    ctx.values.set("pg2.calls", upstream.served);
    if (credential && audit.credentials.length === 1) {
      const bill = BigInt(upstream.costNanos) - BigInt(credential.baseline ?? "0");
      ctx.values.set("pg2.booked", Number(BigInt(credential.booked)));
      ctx.values.set("pg2.bookDiff", Number(BigInt(credential.booked) - bill));
      ctx.values.set("pg2.unexplained", Number(BigInt(credential.unexplained)));
      if (BigInt(credential.booked) !== bill || credential.unexplained !== "0") {
        ctx.notes.add(
          `pgShared: the books disagree with the sandbox's bill: payable ${credential.booked} nano-USD (of which unexplained ${credential.unexplained}), sandbox billed ${bill} since the baseline`,
        );
      }
    } else {
      ctx.notes.add(`pgShared: expected one pool credential in the store, found ${audit.credentials.length}`);
    }
    if (!audit.ok || audit.pendingHolds > 0) {
      ctx.notes.add(
        `pgShared: money invariants broken after the load: auditLedger ${audit.ok ? "ok" : "NOT ok"} (tenants off ${audit.tenantsOff}, accounts off ${audit.accountsOff}, keys off ${audit.keysOff}, holds off ${audit.holdsOff}, conservation ${audit.conservation}), ${audit.pendingHolds} holds still pending`,
      );
    }
    ctx.log(
      `  two PostgreSQL instances: ${Math.round(ctx.values.get("pg2.admissions") ?? 0)} admissions/s (${Math.round(ra.rps)} + ${Math.round(rb.rps)} req/s), ` +
        `added p50 c=1 ${(ctx.values.get("pg2.added50.a") ?? NaN).toFixed(0)} / ${(ctx.values.get("pg2.added50.b") ?? NaN).toFixed(0)} µs, audit ${audit.ok ? "ok" : "NOT ok"}, ` +
        `${audit.pendingHolds} pending, books − bill ${ctx.values.get("pg2.bookDiff") ?? "?"} nano-USD over ${upstream.served} calls`,
    );
  } finally {
    await pair.stop();
  }
}

interface SandboxKeyTotals {
  inFlight: number;
  served: number;
  rejected: number;
  costNanos: string;
}
