// One function per figure group: each measures once (one run) and records plain numbers under
// stable keys; the report aggregates them over runs. Keys name the figure and the scenario,
// e.g. "tput.rps.vendo-sqlite".
import { failures, find, present, withFault, type RunContext } from "./context.ts";
import { accountsFigures } from "./groups/accounts.ts";
import { llmFigures } from "./groups/llm.ts";
import { pgSharedFigures } from "./groups/pgShared.ts";
import { sequentialFigures } from "./groups/sequential.ts";
import { openStreamsRss } from "./measure/memory.ts";
import { settlementRate } from "./measure/ledger.ts";
import { sequentialLatency } from "./measure/latency.ts";
import { streamPacing, streamTiming } from "./measure/stream.ts";
import { throughput } from "./measure/throughput.ts";
import type { FigureGroup } from "./options.ts";
import { runLedgerModule, setFault } from "./scenarios.ts";
import { percentile } from "./stats.ts";
import { SCALED } from "./target.ts";

export type { RunContext } from "./context.ts";

async function throughputFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.throughput;
  for (const t of ctx.targets) {
    const r = await throughput(t, { connections: p.connections, durationS: p.durationS, warmupS: p.warmupS });
    ctx.values.set(`tput.rps.${t.name}`, r.rps);
    ctx.values.set(`tput.p99ms.${t.name}`, r.p99Ms);
    // CPU of the server's own process per answer (direct: the sandbox's).
    ctx.values.set(`tput.cpuUs.${t.name}`, r.ok > 0 ? (r.serverCpuMs * 1000) / r.ok : Number.NaN);
    failures(ctx, "throughput", t.name, r.failures);
    ctx.log(`  throughput c=${p.connections} ${t.name}: ${Math.round(r.rps)} req/s, ${((r.serverCpuMs * 1000) / Math.max(1, r.ok)).toFixed(0)} µs CPU per call`);
  }
  const base = ctx.values.get("tput.rps.passthrough");
  if (base) for (const t of ctx.targets) ctx.values.set(`tput.ratio.${t.name}`, (ctx.values.get(`tput.rps.${t.name}`) ?? NaN) / base);
  const portkey = ctx.values.get("tput.rps.portkey");
  if (portkey) for (const t of ctx.targets) ctx.values.set(`tput.vsPortkey.${t.name}`, (ctx.values.get(`tput.rps.${t.name}`) ?? NaN) / portkey);
}

async function latencyFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.latency;
  const res = await sequentialLatency(ctx.targets, { samples: p.samples, warmup: p.warmup, block: p.block });
  const direct = res.get("direct");
  for (const t of ctx.targets) {
    const r = res.get(t.name);
    if (!r) continue;
    failures(ctx, "latency", t.name, r.failures);
    const p50 = percentile(r.samples, 50);
    const p99 = percentile(r.samples, 99);
    ctx.values.set(`lat.p50.${t.name}`, p50);
    ctx.values.set(`lat.p99.${t.name}`, p99);
    if (direct) {
      ctx.values.set(`lat.added50.${t.name}`, p50 - percentile(direct.samples, 50));
      ctx.values.set(`lat.added99.${t.name}`, p99 - percentile(direct.samples, 99));
    }
    ctx.log(`  latency c=1 ${t.name}: p50 ${p50.toFixed(0)} µs, p99 ${p99.toFixed(0)} µs`);
  }
  // Added latency over the pass-through's added latency, in the same run (the targets' terms).
  for (const pct of [50, 99] as const) {
    const pass = ctx.values.get(`lat.added${pct}.passthrough`);
    if (pass === undefined) continue;
    for (const t of ctx.targets) {
      const added = ctx.values.get(`lat.added${pct}.${t.name}`);
      if (added !== undefined) ctx.values.set(`lat.overPassthrough${pct}.${t.name}`, added - pass);
    }
  }
}

async function streamFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.stream;
  const targets = ctx.targets;
  const res = await withFault(ctx, targets, `tokens=${p.chunks}`, () => streamTiming(targets, { samples: p.samples, warmup: p.warmup }));
  const direct = res.get("direct");
  for (const t of targets) {
    const r = res.get(t.name);
    if (!r) continue;
    failures(ctx, "streaming", t.name, r.failures, r.lastError);
    if (r.ttfbUs.length === 0) continue;
    const ttfb = percentile(r.ttfbUs, 50);
    const total = percentile(r.totalUs, 50);
    ctx.values.set(`stream.ttfb.${t.name}`, ttfb);
    ctx.values.set(`stream.total.${t.name}`, total);
    ctx.values.set(`stream.events.${t.name}`, r.minEvents);
    if (direct && direct.ttfbUs.length > 0) {
      ctx.values.set(`stream.addedTtfb.${t.name}`, ttfb - percentile(direct.ttfbUs, 50));
      ctx.values.set(`stream.addedTotal.${t.name}`, total - percentile(direct.totalUs, 50));
    }
    if (r.minEvents < p.chunks) ctx.notes.add(`${t.name}: a ${p.chunks}-chunk stream arrived with only ${r.minEvents} SSE events`);
    ctx.log(`  stream ${p.chunks} chunks ${t.name}: ttfb ${ttfb.toFixed(0)} µs, total ${(total / 1000).toFixed(2)} ms`);
  }
  const pass = ctx.values.get("stream.addedTtfb.passthrough");
  if (pass !== undefined) {
    for (const t of targets) {
      const added = ctx.values.get(`stream.addedTtfb.${t.name}`);
      if (added !== undefined) ctx.values.set(`stream.overPassthroughTtfb.${t.name}`, added - pass);
    }
  }
}

async function pacingFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.pacing;
  const targets = ctx.targets;
  const res = await withFault(ctx, targets, `tokens=${p.chunks},chunk-delay=${p.delayMs}`, () => streamPacing(targets, { chunks: p.chunks, streams: p.streams }));
  for (const t of targets) {
    const r = res.get(t.name);
    if (!r) continue;
    failures(ctx, "pacing", t.name, r.failures, r.lastError);
    if (r.gapsMs.length === 0) continue;
    const bunched = (100 * r.gapsMs.filter((g) => g < p.delayMs / 2).length) / r.gapsMs.length;
    ctx.values.set(`pace.gap50.${t.name}`, percentile(r.gapsMs, 50));
    ctx.values.set(`pace.gap99.${t.name}`, percentile(r.gapsMs, 99));
    ctx.values.set(`pace.max.${t.name}`, Math.max(...r.gapsMs));
    ctx.values.set(`pace.bunched.${t.name}`, bunched);
    ctx.values.set(`pace.span.${t.name}`, percentile(r.spanMs, 50));
    ctx.log(`  pacing ${t.name}: gap p50 ${percentile(r.gapsMs, 50).toFixed(2)} ms, bunched ${bunched.toFixed(1)}%`);
  }
}

async function memoryFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.memory;
  const names = (["passthrough", "vendo-sqlite", "vendo-postgres"] as const).filter((n) => find(ctx, n));
  for (const name of names) {
    const running = await ctx.fresh(name, `${name}-memory`);
    try {
      const r = await openStreamsRss(running.target, (fault) => setFault(ctx.env, running.target, fault), { streams: p.streams, warmup: p.warmup });
      ctx.values.set(`mem.kb.${name}`, r.perStreamBytes / 1024);
      ctx.values.set(`mem.beforeMb.${name}`, r.rssBeforeBytes / 2 ** 20);
      ctx.values.set(`mem.withMb.${name}`, r.rssWithBytes / 2 ** 20);
      ctx.values.set(`mem.opened.${name}`, r.opened);
      ctx.values.set(`mem.heapKb.${name}`, r.heapPerStreamBytes / 1024);
      if (r.opened < r.requested) {
        ctx.notes.add(`${name}: only ${r.opened} of ${r.requested} concurrent streams got their first byte in the memory figure; the rest stayed queued (per-stream figures divide by the streams that opened)`);
      }
      ctx.log(`  memory ${name}: ${r.opened} streams, ${(r.rssBeforeBytes / 2 ** 20).toFixed(1)} → ${(r.rssWithBytes / 2 ** 20).toFixed(1)} MB, ${(r.perStreamBytes / 1024).toFixed(1)} KB/stream`);
    } finally {
      // Its streams hang upstream by design; do not wait for a graceful close.
      await running.target.server.kill();
      await running.stop();
    }
  }
}

async function concurrencyFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.concurrency;
  const targets = present(ctx, SCALED);
  for (const c of p.levels) {
    for (const t of targets) {
      const r = await throughput(t, { connections: c, durationS: p.durationS, warmupS: p.warmupS });
      ctx.values.set(`conc.${c}.rps.${t.name}`, r.rps);
      ctx.values.set(`conc.${c}.p99ms.${t.name}`, r.p99Ms);
      failures(ctx, `concurrency ${c}`, t.name, r.failures);
    }
    const base = ctx.values.get(`conc.${c}.rps.passthrough`);
    const vendo = ctx.values.get(`conc.${c}.rps.vendo-sqlite`);
    if (base && vendo !== undefined) ctx.values.set(`conc.${c}.ratio`, vendo / base);
    ctx.log(`  concurrency ${c}: ${targets.map((t) => `${t.name} ${Math.round(ctx.values.get(`conc.${c}.rps.${t.name}`) ?? 0)}`).join(", ")} req/s`);
  }
}

async function promptFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.prompt;
  const targets = present(ctx, SCALED);
  for (const size of p.sizes) {
    for (const t of targets) {
      const r = await throughput(t, { connections: ctx.plan.throughput.connections, durationS: p.durationS, warmupS: 0.3, request: { promptBytes: size } });
      ctx.values.set(`prompt.${size}.rps.${t.name}`, r.rps);
      failures(ctx, `prompt ${size} B`, t.name, r.failures);
    }
    const lat = await sequentialLatency(targets, { samples: p.latencySamples, warmup: 20, block: 50, request: { promptBytes: size } });
    const direct = lat.get("direct");
    for (const t of targets) {
      const r = lat.get(t.name);
      if (r && direct) ctx.values.set(`prompt.${size}.added50.${t.name}`, percentile(r.samples, 50) - percentile(direct.samples, 50));
    }
    const base = ctx.values.get(`prompt.${size}.rps.passthrough`);
    const vendo = ctx.values.get(`prompt.${size}.rps.vendo-sqlite`);
    if (base && vendo !== undefined) ctx.values.set(`prompt.${size}.ratio`, vendo / base);
    ctx.log(`  prompt ${size} B: ${targets.map((t) => `${t.name} ${Math.round(ctx.values.get(`prompt.${size}.rps.${t.name}`) ?? 0)}`).join(", ")} req/s`);
  }
}

async function streamLengthFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.streamLength;
  const targets = present(ctx, SCALED);
  for (const n of p.lengths) {
    const res = await withFault(ctx, targets, `tokens=${n}`, () => streamTiming(targets, { samples: p.samples, warmup: 2, block: 5 }));
    const direct = res.get("direct");
    for (const t of targets) {
      const r = res.get(t.name);
      if (!r || r.totalUs.length === 0) continue;
      failures(ctx, `stream of ${n}`, t.name, r.failures, r.lastError);
      ctx.values.set(`slen.${n}.total.${t.name}`, percentile(r.totalUs, 50));
      if (direct && direct.totalUs.length > 0) {
        ctx.values.set(`slen.${n}.addedTotal.${t.name}`, percentile(r.totalUs, 50) - percentile(direct.totalUs, 50));
        ctx.values.set(`slen.${n}.addedTtfb.${t.name}`, percentile(r.ttfbUs, 50) - percentile(direct.ttfbUs, 50));
      }
    }
    ctx.log(`  stream of ${n}: ${targets.map((t) => `${t.name} ${((ctx.values.get(`slen.${n}.total.${t.name}`) ?? 0) / 1000).toFixed(2)} ms`).join(", ")}`);
  }
}

async function keysFigures(ctx: RunContext): Promise<void> {
  if (!find(ctx, "vendo-sqlite")) return;
  const p = ctx.plan.keys;
  const direct = find(ctx, "direct");
  const passthrough = find(ctx, "passthrough");
  for (const count of p.counts) {
    const running = await ctx.withKeys(count);
    const vendo = running.target;
    const keys = running.keys;
    const v = await throughput(vendo, { connections: ctx.plan.throughput.connections, durationS: p.durationS, warmupS: 0.3, keys });
    ctx.values.set(`keys.${count}.rps`, v.rps);
    failures(ctx, `${count} keys`, vendo.name, v.failures);
    if (passthrough) {
      const b = await throughput(passthrough, { connections: ctx.plan.throughput.connections, durationS: p.durationS, warmupS: 0.3, keys });
      ctx.values.set(`keys.${count}.rps.passthrough`, b.rps);
      ctx.values.set(`keys.${count}.ratio`, v.rps / b.rps);
    }
    const lat = await sequentialLatency(direct ? [direct, vendo] : [vendo], { samples: p.latencySamples, warmup: 20, block: 50, keys });
    const vl = lat.get(vendo.name);
    const dl = direct ? lat.get("direct") : undefined;
    if (vl) ctx.values.set(`keys.${count}.p50`, percentile(vl.samples, 50));
    if (vl && dl) ctx.values.set(`keys.${count}.added50`, percentile(vl.samples, 50) - percentile(dl.samples, 50));
    ctx.log(`  ${count} keys: vendo-sqlite ${Math.round(v.rps)} req/s, added p50 ${(ctx.values.get(`keys.${count}.added50`) ?? NaN).toFixed(0)} µs`);
  }
}

async function ledgerFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.ledger;
  for (const t of present(ctx, ["vendo-sqlite", "vendo-postgres"])) {
    const r = await settlementRate(t, { connections: p.connections, durationS: p.durationS });
    ctx.values.set(`ledger.sps.${t.name}`, r.perSecond);
    ctx.values.set(`ledger.lagMs.${t.name}`, r.lagMs);
    ctx.values.set(`ledger.rps.${t.name}`, r.rps);
    if (r.settled === 0) ctx.notes.add(`${t.name}: no charge reached the ledger during the settlement figure`);
    ctx.log(`  ledger via proxy ${t.name}: ${Math.round(r.perSecond)} settlements/s (${r.settled} settled, last ${r.lagMs.toFixed(0)} ms after the load)`);
    const store = t.name === "vendo-postgres" ? "postgres" : "sqlite";
    const m = await runLedgerModule(ctx.env, { store, ...(ctx.databaseUrl ? { databaseUrl: ctx.databaseUrl } : {}), durationS: p.durationS, concurrency: p.moduleConcurrency });
    ctx.values.set(`ledger.module.${t.name}`, m.perSecond);
    if (m.refused > 0) ctx.notes.add(`${t.name}: the ledger module refused ${m.refused} admissions`);
    ctx.log(`  ledger module ${store}: ${Math.round(m.perSecond)} admit+settle/s at ${p.moduleConcurrency} concurrent calls`);
  }
}

export const measureGroup: Record<FigureGroup, (ctx: RunContext) => Promise<void>> = {
  throughput: throughputFigures,
  latency: latencyFigures,
  stream: streamFigures,
  pacing: pacingFigures,
  memory: memoryFigures,
  llm: llmFigures,
  sequential: sequentialFigures,
  concurrency: concurrencyFigures,
  prompt: promptFigures,
  streamLength: streamLengthFigures,
  keys: keysFigures,
  ledger: ledgerFigures,
  pgShared: pgSharedFigures,
  accounts: accountsFigures,
};
