// The bench: start the sandbox and every scenario's server (each in its own process), measure
// every figure group once per run, aggregate the runs, check the targets, write the report.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { benchDir } from "./child.ts";
import { measureGroup, type RunContext } from "./figures.ts";
import { sequentialLatency } from "./measure/latency.ts";
import { openConnections, openHoldMs, pacedStreams } from "./measure/pacedStreams.ts";
import { throughput } from "./measure/throughput.ts";
import { figureGroups, fullPlan, quickPlan, type BenchOptions, type Plan } from "./options.ts";
import { profileMarkdown } from "./profile.ts";
import { aggregate, checkTargets, machine, renderMarkdown, toJson, type BenchResult } from "./report.ts";
import {
  newTmpDir,
  setFault,
  startDirect,
  startPassthroughChild,
  startPortkeyChild,
  startSandboxChild,
  startVendoChild,
  type BenchEnv,
  type Running,
} from "./scenarios.ts";
import { percentile } from "./stats.ts";
import { scenarioNames, type ScenarioName } from "./target.ts";

export interface BenchOutput {
  result: BenchResult;
  markdown: string;
  json: string;
  /** Files written under bench/results (empty with write: false). */
  written: string[];
}

const firstLine = (err: unknown) => String((err as Error)?.message ?? err).split("\n")[0];

export async function runBench(opts: BenchOptions): Promise<BenchOutput> {
  const plan: Plan = { ...(opts.quick ? quickPlan : fullPlan), ...opts.plan };
  const groups = opts.figures ?? [...figureGroups];
  const tmpDir = newTmpDir(tmpdir());
  const logDir = join(tmpDir, "logs");
  mkdirSync(logDir);
  const notes = new Set<string>();
  const started: Running[] = [];
  // Long-lived servers some figures share across runs (key counts, call records), by label.
  const extra = new Map<string, Running>();
  let failed = false;
  opts.log(`bench: ${opts.quick ? "quick" : "full"} run, ${opts.runs} run(s), logs in ${logDir}`);

  const sandbox = await startSandboxChild(logDir);
  const env: BenchEnv = { tmpDir, logDir, sandbox };
  const stopAll = async () => {
    for (const r of [...started, ...extra.values()]) await r.stop().catch(() => undefined);
    await sandbox.stop().catch(() => undefined);
  };
  const onSignal = () => {
    void stopAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const startScenario = (name: ScenarioName, label?: string): Promise<Running> => {
    switch (name) {
      case "direct": return startDirect(env);
      case "passthrough": return startPassthroughChild(env, label);
      case "vendo-sqlite": return startVendoChild(env, { name, store: "sqlite", ...(label ? { label } : {}) });
      case "vendo-postgres": return startVendoChild(env, { name, store: "postgres", ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}), ...(label ? { label } : {}) });
      case "portkey": return startPortkeyChild(env);
    }
  };

  try {
    // direct and passthrough are the references every figure is relative to: always measured.
    const wanted = scenarioNames.filter((n) => n === "direct" || n === "passthrough" || !opts.only || opts.only.includes(n));
    for (const name of wanted) {
      if (name === "vendo-postgres" && !opts.databaseUrl) {
        if (opts.only?.includes(name)) notes.add("vendo-postgres: skipped (set DATABASE_URL, or VENDO_BENCH_POSTGRES=1 for the local test server)");
        continue;
      }
      try {
        opts.log(`starting ${name}…`);
        started.push(await startScenario(name));
      } catch (err) {
        if (name === "direct" || name === "passthrough") throw err;
        notes.add(`${name}: not measured: ${firstLine(err)}`);
        opts.log(`  ${name} not measured: ${firstLine(err)}`);
      }
    }
    const targets = started.map((r) => r.target);
    const runs: Array<Map<string, number>> = [];
    for (let run = 1; run <= opts.runs; run++) {
      opts.log(`run ${run}/${opts.runs}`);
      const ctx: RunContext = {
        plan,
        env,
        targets,
        values: new Map(),
        notes,
        log: opts.log,
        databaseUrl: opts.databaseUrl,
        fresh: (name, label) => startScenario(name, label),
        async withKeys(count) {
          const label = `vendo-sqlite-keys-${count}`;
          let r = extra.get(label);
          if (!r) {
            opts.log(`  seeding vendo-sqlite with ${count.toLocaleString("en-US")} keys…`);
            r = await startVendoChild(env, { name: "vendo-sqlite", store: "sqlite", keys: count, label });
            extra.set(label, r);
          }
          return r;
        },
        async withCalls(count) {
          const label = `vendo-sqlite-calls-${count}`;
          let r = extra.get(label);
          if (!r) {
            opts.log(`  seeding vendo-sqlite with ${count.toLocaleString("en-US")} call records…`);
            r = await startVendoChild(env, { name: "vendo-sqlite", store: "sqlite", calls: count, label });
            extra.set(label, r);
          }
          return r;
        },
      };
      for (const group of groups) {
        try {
          await measureGroup[group](ctx);
        } catch (err) {
          failed = true;
          notes.add(`${group}: failed in run ${run}: ${firstLine(err)}`);
          opts.log(`  ${group} failed: ${String((err as Error)?.stack ?? err)}`);
        }
      }
      runs.push(ctx.values);
    }

    const figures = aggregate(runs);
    const targetChecks = checkTargets(figures, plan);
    // A profile under load explains the hot path's figures (throughput, latency, first byte).
    const missed = targetChecks.some((t) => t.pass === false && t.profiles);
    let profile: string | undefined;
    const vendo = targets.find((t) => t.name === "vendo-sqlite");
    if (vendo && (opts.profile === true || (opts.profile === "auto" && missed && !opts.quick))) {
      opts.log("profiling vendo-sqlite under load…");
      try {
        profile = await profileVendo(env, plan, opts.write ? join(benchDir, "results", "profiles") : join(tmpDir, "profiles"));
      } catch (err) {
        notes.add(`profile: failed: ${firstLine(err)}`);
      }
    }

    const result: BenchResult = {
      date: new Date().toISOString(),
      quick: opts.quick,
      runs: opts.runs,
      machine: machine(),
      scenarios: targets.map((t) => ({ name: t.name, ...(t.note ? { note: t.note } : {}) })),
      plan,
      figures,
      targets: targetChecks,
      notes: [...notes],
      ...(profile ? { profile } : {}),
    };
    const markdown = renderMarkdown(result);
    const json = toJson(result);
    const written: string[] = [];
    if (opts.write) {
      const dir = join(benchDir, "results");
      mkdirSync(dir, { recursive: true });
      const stamp = result.date.replace(/:/g, "-").replace(/\.\d+Z$/, "Z") + (opts.quick ? "-quick" : "");
      const files: Array<[string, string]> = [[`${stamp}.md`, markdown], [`${stamp}.json`, json]];
      if (!opts.quick) files.push(["latest.md", markdown], ["latest.json", json]);
      for (const [name, text] of files) {
        writeFileSync(join(dir, name), text);
        written.push(join(dir, name));
      }
    }
    return { result, markdown, json, written };
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await stopAll();
    if (failed) opts.log(`logs kept in ${logDir}`);
    else rmSync(tmpDir, { recursive: true, force: true });
  }
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * A fresh vendo-sqlite under `node --cpu-prof`: loaded at c=50, then at c=1, then with paced
 * streams open at once; the profile is summarized over each load window separately (start-up and
 * module loading left out).
 */
async function profileVendo(env: BenchEnv, plan: Plan, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  const running = await startVendoChild(env, { name: "vendo-sqlite", store: "sqlite", label: "vendo-sqlite-profile", cpuProfDir: dir });
  const c = plan.throughput.connections;
  const windows: Array<{ label: string; window: { fromUs: number; toUs: number } }> = [];
  try {
    await throughput(running.target, { connections: c, durationS: 1 });
    let fromUs = monotonicUs();
    const r = await throughput(running.target, { connections: c, durationS: plan.profile.durationS });
    windows.push({ label: `Under autocannon c=${c} for ${plan.profile.durationS} s (${Math.round(r.rps)} req/s while profiled)`, window: { fromUs, toUs: monotonicUs() } });
    fromUs = monotonicUs();
    const lat = await sequentialLatency([running.target], { samples: plan.profile.latencySamples, warmup: 0 });
    const p50 = percentile(lat.get(running.target.name)?.samples ?? [], 50);
    windows.push({ label: `Sequential requests at c=1 (${plan.profile.latencySamples} requests, p50 ${Math.round(p50)} µs while profiled)`, window: { fromUs, toUs: monotonicUs() } });
    // Real LLM traffic: the smallest count of the paced-streams figure, connections opened first.
    const n = Math.min(...plan.llm.counts);
    const pool = new Pool(running.target.origin, { connections: n, pipelining: 1, keepAliveTimeout: 120_000, connect: { timeout: 60_000 } });
    try {
      await setFault(env, running.target, `latency=${openHoldMs(n, plan.llm.openMs)},tokens=1`);
      await openConnections(running.target, pool, n, 60_000);
      await setFault(env, running.target, `latency=${plan.llm.latencyMs},chunk-delay=${plan.llm.chunkDelayMs},tokens=${plan.llm.chunks}`);
      fromUs = monotonicUs();
      const paced = await pacedStreams(running.target, pool, { streams: n, chunks: plan.llm.chunks, timeoutMs: 120_000 });
      windows.push({
        label: `${n.toLocaleString("en-US")} paced streams at once (${paced.completed} completed; first byte p50 ${percentile(paced.ttfbMs, 50).toFixed(0)} ms while profiled)`,
        window: { fromUs, toUs: monotonicUs() },
      });
    } finally {
      await pool.destroy();
      await setFault(env, running.target, null);
    }
  } finally {
    await running.stop();
  }
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's loader
  // worker writes a profile of its own); fall back to the largest file.
  const fresh = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile") && !before.has(f))
    .map((f) => join(dir, f));
  const main = fresh.filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  const file = (main.length > 0 ? main : fresh).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!file) throw new Error(`no .cpuprofile was written to ${dir}`);
  return [`Profile of a fresh vendo-sqlite server (\`node --cpu-prof\`): \`${file.replace(benchDir, "bench/")}\`.`, ...windows.map((w) => profileMarkdown(file, w.label, w.window))].join("\n\n");
}
