// Real LLM traffic: N paced streams open at once through each server (issue 11, "Bench v2").
import { Pool } from "undici";
import { find, type RunContext, sleep } from "../context.ts";
import { cpuDuring } from "../measure/cpu.ts";
import { describeFailures, openConnections, openHoldMs, pacedStreams } from "../measure/pacedStreams.ts";
import { streamOnce } from "../measure/stream.ts";
import { setFault } from "../scenarios.ts";
import type { LoopDelay } from "../servers/ipc.ts";
import { percentile, percentileSorted } from "../stats.ts";
import { chatRequest, type ScenarioName, type Target } from "../target.ts";

/** The scenarios of the paced-streams figure: the references and Vendo (not Portkey). */
const LLM_SCENARIOS: readonly ScenarioName[] = ["direct", "passthrough", "vendo-sqlite", "vendo-postgres"];
// A figure is flagged as limited by the machine when a process's event-loop delay p99 passes this.
const LAGGING_MS = 5;

/**
 * Real LLM traffic: N streams open at once through one server, each paced by the sandbox. Proxies
 * run on a fresh server per N (the RSS figure is the growth over its idle RSS); direct is the
 * sandbox itself. The client's connections (and a proxy's upstream ones) are opened by an untimed
 * wave first, so no figure includes the kernel's accept backlog overflowing.
 */
export async function llmFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.llm;
  const direct = find(ctx, "direct");
  const names = LLM_SCENARIOS.filter((n) => find(ctx, n));
  const nominalSpan = (p.chunks - 1) * p.chunkDelayMs;
  for (const n of p.counts) {
    for (const name of names) {
      const running = name === "direct" ? null : await ctx.fresh(name, `${name}-llm-${n}`);
      const target = running?.target ?? (direct as Target);
      try {
        await pacedStreamsOnce(ctx, target, n);
      } finally {
        await running?.stop();
      }
    }
    const v = (m: string, name: string) => ctx.values.get(`llm.${n}.${m}.${name}`);
    for (const name of names) {
      if (name === "direct") continue;
      const added = (m: string, scale: number) => {
        const mine = v(m, name);
        const ref = v(m, "direct");
        return mine === undefined || ref === undefined ? Number.NaN : (mine - ref) * scale;
      };
      ctx.values.set(`llm.${n}.addedTtfb50.${name}`, added("ttfb50", 1000));
      ctx.values.set(`llm.${n}.addedTtfb99.${name}`, added("ttfb99", 1000));
      ctx.values.set(`llm.${n}.addedGap99.${name}`, added("gap99", 1));
    }
    const span = v("span50", "direct");
    if (span !== undefined && span > nominalSpan * 1.05) {
      ctx.notes.add(
        `llm: at ${n.toLocaleString("en-US")} streams the sandbox itself did not keep its pacing (direct: first to last chunk ${span.toFixed(0)} ms against ${nominalSpan} ms): every scenario's gaps at that count include the upstream's lag`,
      );
    }
  }
}

async function pacedStreamsOnce(ctx: RunContext, target: Target, n: number): Promise<void> {
  const p = ctx.plan.llm;
  const set = (m: string, value: number) => ctx.values.set(`llm.${n}.${m}.${target.name}`, value);
  const server = target.server;
  const sandbox = ctx.env.sandbox;
  const label = `${target.name} at ${n.toLocaleString("en-US")} paced streams`;
  // Warm the code paths first, then read the idle RSS after a collection.
  const warm = new Pool(target.origin, { connections: 4 });
  try {
    const plain = chatRequest(target);
    for (let i = 0; i < p.warmup; i++) {
      const res = await warm.request({ path: plain.path, method: "POST", headers: plain.headers, body: plain.body });
      await res.body.arrayBuffer();
      if (i % 10 === 0) await streamOnce(warm, target, false);
    }
  } finally {
    await warm.close();
  }
  const collect = () => server.rpc("gc").catch(() => undefined);
  await collect();
  await sleep(300);
  await collect();
  const rssBefore = await server.rss();
  const heapOf = () =>
    server
      .rpc<NodeJS.MemoryUsage>("memory")
      .then((m) => m.heapUsed + m.external)
      .catch(() => Number.NaN);
  const heapBefore = await heapOf();

  // A long connect timeout: a server slow to accept is measured, not cut at undici's 10 s.
  const pool = new Pool(target.origin, { connections: n, pipelining: 1, keepAliveTimeout: 120_000, keepAliveMaxTimeout: 120_000, connect: { timeout: 60_000 } });
  try {
    await setFault(ctx.env, target, `latency=${openHoldMs(n, p.openMs)},tokens=1`);
    const wave = await openConnections(target, pool, n, 60_000);
    set("conns", wave.ok);
    if (wave.ok < n) {
      ctx.notes.add(`${label}: the untimed wave that opens the connections got ${wave.ok} of ${n} answers (${describeFailures(wave.failures)}); the rest connect during the figure`);
    }
    await setFault(ctx.env, target, `latency=${p.latencyMs},chunk-delay=${p.chunkDelayMs},tokens=${p.chunks}`);

    const watchSandbox = server !== sandbox;
    await server.rpc("loopDelayStart", { resolutionMs: 1 });
    if (watchSandbox) await sandbox.rpc("loopDelayStart", { resolutionMs: 1 });
    // Peaks while the streams run: the RSS from /proc, the JS heap and buffers over IPC.
    let peak = rssBefore;
    let heapPeak = heapBefore;
    const poll = setInterval(() => {
      void server.rss().then((rss) => (peak = Math.max(peak, rss)), () => undefined);
      void heapOf().then((heap) => (heapPeak = Math.max(heapPeak, heap)));
    }, 100);
    const timeoutMs = p.latencyMs + p.chunks * p.chunkDelayMs + 60_000;
    let measured;
    try {
      measured = await cpuDuring(server.pid, () => pacedStreams(target, pool, { streams: n, chunks: p.chunks, timeoutMs }));
    } finally {
      clearInterval(poll);
    }
    const { result: r, cpuMs } = measured;
    peak = Math.max(peak, await server.rss());
    const loop = await server.rpc<LoopDelay>("loopDelayStop");
    const upstreamLoop = watchSandbox ? await sandbox.rpc<LoopDelay>("loopDelayStop") : loop;

    set("done", r.completed);
    set("eld99", loop.p99Ms);
    set("eldMax", loop.maxMs);
    set("upEld99", upstreamLoop.p99Ms);
    set("loadEld99", r.loadLoopDelayP99Ms);
    set("loadEldMax", r.loadLoopDelayMaxMs);
    set("rssBeforeMb", rssBefore / 2 ** 20);
    set("rssPeakMb", peak / 2 ** 20);
    set("wallS", r.wallMs / 1000);
    if (r.completed > 0) {
      const ttfb = [...r.ttfbMs].sort((a, b) => a - b);
      const gaps = [...r.gapsMs].sort((a, b) => a - b);
      set("ttfb50", percentileSorted(ttfb, 50));
      set("ttfb99", percentileSorted(ttfb, 99));
      set("gap50", percentileSorted(gaps, 50));
      set("gap99", percentileSorted(gaps, 99));
      set("gapMax", gaps[gaps.length - 1] ?? Number.NaN);
      set("span50", percentile(r.spanMs, 50));
      set("cpuUs", (cpuMs * 1000) / r.completed);
    }
    if (r.opened > 0) {
      set("kb", (peak - rssBefore) / 1024 / r.opened);
      set("heapKb", (heapPeak - heapBefore) / 1024 / r.opened);
    }
    set("loadCpuUs", r.completed > 0 ? (r.loadCpuMs * 1000) / r.completed : Number.NaN);
    if (r.failed > 0) ctx.notes.add(`${label}: ${r.failed} of ${n} streams failed or ended short (${describeFailures(r.failures)})`);
    if (r.loadLoopDelayP99Ms > LAGGING_MS) {
      ctx.notes.add(
        `${label}: the load generator (the harness) lagged: its event-loop delay p99 ${r.loadLoopDelayP99Ms.toFixed(1)} ms, max ${r.loadLoopDelayMaxMs.toFixed(1)} ms; client-side gaps and first bytes include that`,
      );
    }
    if (watchSandbox && upstreamLoop.p99Ms > LAGGING_MS) {
      ctx.notes.add(`${label}: the upstream (sandbox) lagged: its event-loop delay p99 ${upstreamLoop.p99Ms.toFixed(1)} ms; the proxy's gaps include that`);
    }
    ctx.log(
      `  llm ${label}: ${r.completed}/${n} done, first byte p50 ${(ctx.values.get(`llm.${n}.ttfb50.${target.name}`) ?? NaN).toFixed(1)} ms, ` +
        `gap p99 ${(ctx.values.get(`llm.${n}.gap99.${target.name}`) ?? NaN).toFixed(2)} ms, loop p99 ${loop.p99Ms.toFixed(2)} ms (upstream ${upstreamLoop.p99Ms.toFixed(2)}, load ${r.loadLoopDelayP99Ms.toFixed(2)}), ` +
        `${((peak - rssBefore) / 1024 / Math.max(1, r.opened)).toFixed(1)} KB/stream, ${((cpuMs * 1000) / Math.max(1, r.completed)).toFixed(0)} µs CPU/stream, ${r.maxEvents} events max`,
    );
  } finally {
    await pool.destroy();
    await setFault(ctx.env, target, null);
  }
}
