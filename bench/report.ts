// Aggregates the per-run numbers (median, min, max) and renders the Markdown report and its JSON.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import type { Plan } from "./options.ts";
import { spread, type Spread } from "./stats.ts";
import { SCALED, type ScenarioName } from "./target.ts";

export interface Machine {
  cpus: number;
  model: string;
  memGb: number;
  node: string;
  platform: string;
  commit: string;
}

export interface TargetCheck {
  target: string;
  limit: string;
  measured: string;
  pass: boolean | null;
}

export interface BenchResult {
  date: string;
  quick: boolean;
  runs: number;
  machine: Machine;
  scenarios: Array<{ name: ScenarioName; note?: string }>;
  plan: Plan;
  figures: Record<string, Spread>;
  targets: TargetCheck[];
  notes: string[];
  profile?: string;
}

export function machine(): Machine {
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    if (dirty) commit += " (with uncommitted changes)";
  } catch {
    // not a git checkout
  }
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model.trim() ?? "unknown",
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit,
  };
}

export function aggregate(runs: ReadonlyArray<Map<string, number>>): Record<string, Spread> {
  const keys = new Set(runs.flatMap((r) => [...r.keys()]));
  const out: Record<string, Spread> = {};
  for (const key of [...keys].sort()) out[key] = spread(runs.map((r) => r.get(key) ?? Number.NaN));
  return out;
}

type Format = (v: number) => string;
const int: Format = (v) => Math.round(v).toLocaleString("en-US");
const signedInt: Format = (v) => (v > 0 ? "+" : v < 0 ? "−" : "") + Math.abs(Math.round(v)).toLocaleString("en-US");
const fixed = (digits: number): Format => (v) => v.toFixed(digits);
const ratio: Format = (v) => `${v.toFixed(2)}×`;
const ms: Format = (v) => (v / 1000).toFixed(2);

function cell(figures: Record<string, Spread>, key: string, format: Format): string {
  const s = figures[key];
  if (!s || !Number.isFinite(s.median)) return "–";
  const finite = s.runs.filter((v) => Number.isFinite(v)).length;
  return finite > 1 ? `${format(s.median)} <sub>${format(s.min)}…${format(s.max)}</sub>` : format(s.median);
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

const kb = (bytes: number) => (bytes >= 1024 ? `${bytes / 1024} KB` : `${bytes} B`);

export function checkTargets(figures: Record<string, Spread>, plan: Plan): TargetCheck[] {
  const v = (key: string) => figures[key]?.median ?? Number.NaN;
  const check = (target: string, limit: string, value: number, pass: (x: number) => boolean, format: Format): TargetCheck => ({
    target,
    limit,
    measured: Number.isFinite(value) ? format(value) : "not measured",
    pass: Number.isFinite(value) ? pass(value) : null,
  });
  const gap = v("pace.gap50.vendo-sqlite");
  const directGap = v("pace.gap50.direct");
  const bunched = v("pace.bunched.vendo-sqlite");
  const directBunched = v("pace.bunched.direct");
  return [
    check("vendo-sqlite throughput, c=50", "≥ 0.60 × passthrough", v("tput.ratio.vendo-sqlite"), (x) => x >= 0.6, ratio),
    check("added latency p50, c=1", "≤ 1,000 µs", v("lat.added50.vendo-sqlite"), (x) => x <= 1000, (x) => `${signedInt(x)} µs`),
    check("streaming: added time to first byte", "≤ 1,000 µs", v("stream.addedTtfb.vendo-sqlite"), (x) => x <= 1000, (x) => `${signedInt(x)} µs`),
    check("memory per open stream", "≤ 64 KB", v("mem.kb.vendo-sqlite"), (x) => x <= 64, (x) => `${x.toFixed(1)} KB`),
    {
      target: `chunks relayed as they arrive (${plan.pacing.delayMs} ms pacing)`,
      limit: "gap p50 within 20% of direct's, bunched ≤ direct's + 5 points",
      measured: Number.isFinite(gap) ? `gap p50 ${gap.toFixed(2)} ms (direct ${directGap.toFixed(2)}), bunched ${bunched.toFixed(1)}% (direct ${directBunched.toFixed(1)}%)` : "not measured",
      pass: Number.isFinite(gap) && Number.isFinite(directGap) ? Math.abs(gap - directGap) <= 0.2 * directGap && bunched <= directBunched + 5 : null,
    },
  ];
}

export function renderMarkdown(r: BenchResult): string {
  const f = r.figures;
  const names = r.scenarios.map((s) => s.name);
  const row = (label: string, prefix: string, format: Format) => [label, ...names.map((n) => cell(f, `${prefix}.${n}`, format))];
  const rssRow = [
    "… RSS before → with the streams (MB)",
    ...names.map((n) => (f[`mem.withMb.${n}`] ? `${cell(f, `mem.beforeMb.${n}`, fixed(1))} → ${cell(f, `mem.withMb.${n}`, fixed(1))}` : "–")),
  ];
  const p = r.plan;
  const out: string[] = [];
  out.push(`# Vendo bench — ${r.date}${r.quick ? " (quick run: shapes only, not figures to quote)" : ""}`);
  out.push("");
  out.push(
    `Machine: ${r.machine.cpus} × ${r.machine.model}, ${r.machine.memGb} GB RAM, ${r.machine.platform}; Node ${r.machine.node}; commit ${r.machine.commit}. ` +
      `Each figure is the median of ${r.runs} run${r.runs > 1 ? "s" : ""}${r.runs > 1 ? " with <sub>min…max</sub>" : ""}. ` +
      "Every server runs in its own process; the load generator is a separate process; the upstream is the sandbox on 127.0.0.1.",
  );
  out.push("");
  out.push(
    table(
      ["figure", ...names],
      [
        row(`Throughput, non-streaming, c=${p.throughput.connections} (req/s)`, "tput.rps", int),
        row("… ratio to passthrough", "tput.ratio", ratio),
        row("Latency c=1, p50 (µs)", "lat.p50", int),
        row("Latency c=1, p99 (µs)", "lat.p99", int),
        row("Added over direct, p50 (µs)", "lat.added50", signedInt),
        row("Added over direct, p99 (µs)", "lat.added99", signedInt),
        row(`Stream of ${p.stream.chunks} chunks: time to first byte, p50 (µs)`, "stream.ttfb", int),
        row("… first byte added over direct (µs)", "stream.addedTtfb", signedInt),
        row("… total time, p50 (ms)", "stream.total", ms),
        row("… total added over direct (µs)", "stream.addedTotal", signedInt),
        row(`Paced stream (${p.pacing.chunks} chunks, ${p.pacing.delayMs} ms apart): gap p50 (ms)`, "pace.gap50", fixed(2)),
        row("… gap p99 (ms)", "pace.gap99", fixed(2)),
        row(`… chunks arriving bunched (gap < ${p.pacing.delayMs / 2} ms) (%)`, "pace.bunched", fixed(1)),
        row(`… first to last chunk (ms; sandbox pacing ${(p.pacing.chunks - 1) * p.pacing.delayMs})`, "pace.span", fixed(1)),
        row(`RSS per open stream, ${p.memory.streams.toLocaleString("en-US")} streams (KB)`, "mem.kb", fixed(1)),
        rssRow,
        row("… JS heap + external per open stream (KB)", "mem.heapKb", fixed(1)),
        row("… streams open (first byte received)", "mem.opened", int),
        row(`Settlements/s through the group commit (c=${p.ledger.connections})`, "ledger.sps", int),
      ].filter((cells) => cells.slice(1).some((c) => c !== "–")),
    ),
  );
  out.push("");
  out.push("## Targets (issue 6)");
  out.push("");
  out.push(table(["target", "limit", "measured (vendo-sqlite)", "result"], r.targets.map((t) => [t.target, t.limit, t.measured, t.pass === null ? "not measured" : t.pass ? "pass" : "**MISSED**"])));

  const scaled = SCALED.filter((n) => names.includes(n));
  if (Object.keys(f).some((k) => k.startsWith("conc."))) {
    out.push("", "## Scaling: concurrency (non-streaming)", "");
    out.push(
      table(
        ["connections", ...scaled.map((n) => `${n} req/s`), "vendo / passthrough", ...scaled.filter((n) => n !== "direct").map((n) => `${n} p99 (ms)`)],
        p.concurrency.levels.map((c) => [
          String(c),
          ...scaled.map((n) => cell(f, `conc.${c}.rps.${n}`, int)),
          cell(f, `conc.${c}.ratio`, ratio),
          ...scaled.filter((n) => n !== "direct").map((n) => cell(f, `conc.${c}.p99ms.${n}`, int)),
        ]),
      ),
    );
  }
  if (Object.keys(f).some((k) => k.startsWith("prompt."))) {
    out.push("", `## Scaling: prompt size (throughput at c=${p.throughput.connections}, latency at c=1)`, "");
    out.push(
      table(
        ["prompt", ...scaled.map((n) => `${n} req/s`), "vendo / passthrough", ...scaled.filter((n) => n !== "direct").map((n) => `${n} added p50 (µs)`)],
        p.prompt.sizes.map((s) => [
          kb(s),
          ...scaled.map((n) => cell(f, `prompt.${s}.rps.${n}`, int)),
          cell(f, `prompt.${s}.ratio`, ratio),
          ...scaled.filter((n) => n !== "direct").map((n) => cell(f, `prompt.${s}.added50.${n}`, signedInt)),
        ]),
      ),
    );
  }
  if (Object.keys(f).some((k) => k.startsWith("slen."))) {
    const proxies = scaled.filter((n) => n !== "direct");
    out.push("", "## Scaling: stream length (sequential streams, no pacing)", "");
    out.push(
      table(
        ["chunks", "direct total (ms)", ...proxies.map((n) => `${n} total added (µs)`), ...proxies.map((n) => `${n} first byte added (µs)`)],
        p.streamLength.lengths.map((n) => [
          String(n),
          cell(f, `slen.${n}.total.direct`, ms),
          ...proxies.map((s) => cell(f, `slen.${n}.addedTotal.${s}`, signedInt)),
          ...proxies.map((s) => cell(f, `slen.${n}.addedTtfb.${s}`, signedInt)),
        ]),
      ),
    );
  }
  if (Object.keys(f).some((k) => k.startsWith("keys."))) {
    out.push("", `## Scaling: keys in the store (vendo-sqlite; each request uses the next key, round robin over all of them)`, "");
    out.push(
      table(
        ["keys", `vendo-sqlite req/s (c=${p.throughput.connections})`, "passthrough req/s (same client)", "vendo / passthrough", "vendo-sqlite p50 c=1 (µs)", "added over direct p50 (µs)"],
        p.keys.counts.map((n) => [
          n.toLocaleString("en-US"),
          cell(f, `keys.${n}.rps`, int),
          cell(f, `keys.${n}.rps.passthrough`, int),
          cell(f, `keys.${n}.ratio`, ratio),
          cell(f, `keys.${n}.p50`, int),
          cell(f, `keys.${n}.added50`, signedInt),
        ]),
      ),
    );
  }
  if (Object.keys(f).some((k) => k.startsWith("ledger."))) {
    out.push("", `## Ledger: settlements through the group commit (driven through the proxy at c=${p.ledger.connections} for ${p.ledger.durationS} s)`, "");
    out.push(
      table(
        ["store", "settlements/s via the proxy", "responses/s during the load", "last settlement after the load ended (ms)", `ledger module alone: admit + settle/s (${p.ledger.moduleConcurrency} concurrent)`],
        (["vendo-sqlite", "vendo-postgres"] as const)
          .filter((n) => f[`ledger.sps.${n}`])
          .map((n) => [n, cell(f, `ledger.sps.${n}`, int), cell(f, `ledger.rps.${n}`, int), cell(f, `ledger.lagMs.${n}`, int), cell(f, `ledger.module.${n}`, int)]),
      ),
    );
  }

  out.push("", "## How it ran", "");
  out.push(
    "- Each scenario reaches the sandbox with its own upstream key; stream length, pacing and the hang of the memory figure are sandbox faults set on that key, so every proxy gets them the same way.",
  );
  for (const s of r.scenarios) if (s.note) out.push(`- \`${s.name}\`: ${s.note}.`);
  if (r.notes.length) {
    out.push("", "## Notes", "");
    for (const n of r.notes) out.push(`- ${n}`);
  }
  if (r.profile) out.push("", "## CPU profile of vendo-sqlite under load", "", r.profile);
  out.push("", `Reproduce: \`npm run bench${r.quick ? " -- --quick" : r.runs !== 3 ? ` -- --runs ${r.runs}` : ""}\` (see bench/README.md).`, "");
  return out.join("\n");
}

export function toJson(r: BenchResult): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2) + "\n";
}
