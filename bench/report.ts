// Aggregates the per-run numbers (median, min, max) and renders the Markdown report and its JSON.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import type { Plan } from "./options.ts";
import { spread, type Spread } from "./stats.ts";
import { SCALED, type ScenarioName, type TargetName } from "./target.ts";

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
  /** A miss here is on the hot path a CPU profile under load explains (harness.ts profiles it). */
  profiles: boolean;
}

export interface BenchResult {
  date: string;
  quick: boolean;
  runs: number;
  machine: Machine;
  scenarios: Array<{ name: TargetName; note?: string }>;
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
const signedFixed = (digits: number): Format => (v) => (v > 0 ? "+" : v < 0 ? "−" : "") + Math.abs(v).toFixed(digits);
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

/** The published sequential overheads of other gateways (issue 11), measured elsewhere. */
export const PUBLISHED_OVERHEAD: ReadonlyArray<{ gateway: string; ms: string }> = [
  { gateway: "Bifrost", ms: "+0.44–0.62" },
  { gateway: "Portkey", ms: "+2.4–2.7" },
  { gateway: "LiteLLM", ms: "+4.3" },
];

/** The figures issue 11 sets targets for (vendo-sqlite with billing on unless said). */
export function checkTargets(figures: Record<string, Spread>, plan: Plan): TargetCheck[] {
  const v = (key: string) => figures[key]?.median ?? Number.NaN;
  const check = (target: string, limit: string, value: number, pass: (x: number) => boolean, format: Format, profiles = false): TargetCheck => ({
    target,
    limit,
    measured: Number.isFinite(value) ? format(value) : "not measured",
    pass: Number.isFinite(value) ? pass(value) : null,
    profiles,
  });
  const overPassthrough = (mine: string, theirs: string) => (x: number) =>
    `${signedInt(x)} µs over passthrough's (${signedInt(v(mine))} against ${signedInt(v(theirs))})`;
  const n = Math.max(...plan.llm.counts);
  const llm = (m: string) => `llm.${n}.${m}.vendo-sqlite`;
  const streams = `${n.toLocaleString("en-US")} paced streams`;
  const fewest = plan.accounts.calls[0] ?? 0;
  const most = plan.accounts.calls[plan.accounts.calls.length - 1] ?? 0;
  const runs = (key: string) => figures[key];
  // Invariants must hold in every run, not in the median one.
  const invariants = (): TargetCheck => {
    const audit = runs("pg2.auditOk");
    const pending = runs("pg2.pending");
    const diff = runs("pg2.bookDiff");
    const unexplained = runs("pg2.unexplained");
    if (!audit || !pending || !diff || !unexplained || ![audit, pending, diff, unexplained].every((x) => Number.isFinite(x.median))) {
      return { target: "two instances, one hot tenant (PostgreSQL): money invariants", limit: "hold", measured: "not measured", pass: null, profiles: false };
    }
    const [a, p, d, u] = [audit, pending, diff, unexplained];
    const pass = a.min === 1 && p.max === 0 && d.min === 0 && d.max === 0 && u.max === 0;
    return {
      target: "two instances, one hot tenant (PostgreSQL): money invariants",
      limit: "hold (auditLedger ok, no pending hold, books = the sandbox's bill, nothing unexplained)",
      measured: `auditLedger ${a.min === 1 ? "ok" : "NOT ok"}, ${int(p.max)} pending, books − bill ${signedInt(d.min)}…${signedInt(d.max)} nano-USD, unexplained ${int(u.max)}`,
      pass,
      profiles: false,
    };
  };
  return [
    check(`throughput, c=${plan.throughput.connections}`, "≥ 0.70 × passthrough", v("tput.ratio.vendo-sqlite"), (x) => x >= 0.7, ratio, true),
    check(`throughput, c=${plan.throughput.connections}`, "≥ 8 × Portkey", v("tput.vsPortkey.vendo-sqlite"), (x) => x >= 8, ratio, true),
    check("added latency at c=1, p50", "≤ passthrough's + 150 µs", v("lat.overPassthrough50.vendo-sqlite"), (x) => x <= 150, overPassthrough("lat.added50.vendo-sqlite", "lat.added50.passthrough"), true),
    check("added latency at c=1, p99", "≤ passthrough's + 1,000 µs", v("lat.overPassthrough99.vendo-sqlite"), (x) => x <= 1000, overPassthrough("lat.added99.vendo-sqlite", "lat.added99.passthrough"), true),
    check(
      "stream, added first byte",
      "≤ passthrough's + 200 µs",
      v("stream.overPassthroughTtfb.vendo-sqlite"),
      (x) => x <= 200,
      overPassthrough("stream.addedTtfb.vendo-sqlite", "stream.addedTtfb.passthrough"),
      true,
    ),
    check(`${streams}: event-loop delay p99`, "≤ 10 ms", v(llm("eld99")), (x) => x <= 10, (x) => `${x.toFixed(2)} ms`, true),
    check(`${streams}: added chunk gap p99 (over direct)`, "≤ 2 ms", v(llm("addedGap99")), (x) => x <= 2, (x) => `${signedFixed(2)(x)} ms`, true),
    check(`${streams}: RSS per stream`, "≤ 32 KB", v(llm("kb")), (x) => x <= 32, (x) => `${x.toFixed(1)} KB`),
    check(
      "vendo-postgres, added latency at c=1, p50",
      "≤ passthrough's + 2,500 µs",
      v("lat.overPassthrough50.vendo-postgres"),
      (x) => x <= 2500,
      overPassthrough("lat.added50.vendo-postgres", "lat.added50.passthrough"),
    ),
    check("two instances, one hot tenant (PostgreSQL): admissions", "≥ 1,500 /s", v("pg2.admissions"), (x) => x >= 1500, (x) => `${int(x)} /s`),
    invariants(),
    check(
      `GET /v1/key with ${most.toLocaleString("en-US")} calls stored`,
      `≤ 2 × its time with ${fewest.toLocaleString("en-US")} calls`,
      v("acct.ratio.key"),
      (x) => x <= 2,
      (x) => `${ratio(x)} (p50 ${int(v(`acct.${most}.key.p50`))} µs against ${int(v(`acct.${fewest}.key.p50`))} µs)`,
    ),
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
        row("… ratio to portkey", "tput.vsPortkey", ratio),
        row(`… server CPU per call (µs; user + system of the server process, all threads)`, "tput.cpuUs", int),
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
  out.push("## Targets (issue 11)");
  out.push("");
  out.push(table(["target", "limit", "measured (vendo-sqlite unless said)", "result"], r.targets.map((t) => [t.target, t.limit, t.measured, t.pass === null ? "not measured" : t.pass ? "pass" : "**MISSED**"])));

  out.push(...llmSection(r), ...sequentialSection(r), ...pgSharedSection(r), ...accountsSection(r));

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

const has = (f: Record<string, Spread>, prefix: string) => Object.keys(f).some((k) => k.startsWith(prefix) && Number.isFinite(f[k]?.median));
const LLM_COLUMNS: readonly ScenarioName[] = ["direct", "passthrough", "vendo-sqlite", "vendo-postgres"];

function llmSection(r: BenchResult): string[] {
  const f = r.figures;
  const p = r.plan.llm;
  if (!has(f, "llm.")) return [];
  const names = LLM_COLUMNS.filter((n) => p.counts.some((c) => f[`llm.${c}.done.${n}`]));
  const out = [
    "",
    "## Real LLM traffic: paced streams open at once",
    "",
    `Each stream's first byte comes ${p.latencyMs} ms after the request reaches the sandbox, then ${p.chunks} chunks ${p.chunkDelayMs} ms apart ` +
      `(sandbox fault \`latency=${p.latencyMs},chunk-delay=${p.chunkDelayMs},tokens=${p.chunks}\` on the scenario's key). All N are sent at once from the harness ` +
      "(one undici dispatch per stream, timestamps only) over N connections an untimed wave opened first (it opens a proxy's upstream connections too). " +
      "Proxies run on a fresh server per N, warmed; direct is the sandbox itself. Gaps and first bytes are measured by the client; \"added\" is over direct at the same N. " +
      "Event-loop delay: `monitorEventLoopDelay` (1 ms resolution, subtracted) in the server process, in the sandbox while it fed that server, and in the load generator. " +
      "RSS per stream: the server's peak RSS during the streams (sampled every 100 ms) less its idle RSS after a collection, per stream open; " +
      "garbage not yet collected counts, as it does for the machine.",
  ];
  for (const n of p.counts.filter((c) => names.some((name) => f[`llm.${c}.done.${name}`]))) {
    const row = (label: string, m: string, format: Format) => [label, ...names.map((name) => cell(f, `llm.${n}.${m}.${name}`, format))];
    out.push(
      "",
      `### ${n.toLocaleString("en-US")} streams`,
      "",
      table(
        ["figure", ...names],
        [
          row(`streams completed (of ${n.toLocaleString("en-US")})`, "done", int),
          row("first byte, p50 (ms)", "ttfb50", fixed(1)),
          row("… p99 (ms)", "ttfb99", fixed(1)),
          row("… added over direct, p50 (µs)", "addedTtfb50", signedInt),
          row("… added over direct, p99 (µs)", "addedTtfb99", signedInt),
          row(`gap between chunks, p50 (ms; paced ${p.chunkDelayMs})`, "gap50", fixed(2)),
          row("… p99 (ms)", "gap99", fixed(2)),
          row("… max (ms)", "gapMax", fixed(1)),
          row("… added over direct, p99 (ms)", "addedGap99", signedFixed(2)),
          row(`first to last chunk, p50 (ms; paced ${(p.chunks - 1) * p.chunkDelayMs})`, "span50", fixed(0)),
          row("server event-loop delay, p99 (ms)", "eld99", fixed(2)),
          row("… max (ms)", "eldMax", fixed(1)),
          row("sandbox event-loop delay meanwhile, p99 (ms)", "upEld99", fixed(2)),
          row("load generator event-loop delay, p99 (ms)", "loadEld99", fixed(2)),
          row("RSS per stream (KB)", "kb", fixed(1)),
          ["RSS idle → peak (MB)", ...names.map((name) => (f[`llm.${n}.rssPeakMb.${name}`] ? `${cell(f, `llm.${n}.rssBeforeMb.${name}`, fixed(1))} → ${cell(f, `llm.${n}.rssPeakMb.${name}`, fixed(1))}` : "–"))],
          row("… JS heap + external per stream, at its peak (KB)", "heapKb", fixed(1)),
          row("server CPU per stream (µs)", "cpuUs", int),
          row("load generator CPU per stream (µs)", "loadCpuUs", int),
          row("first send to last end (s)", "wallS", fixed(2)),
        ].filter((cells) => cells.slice(1).some((c) => c !== "–")),
      ),
    );
  }
  return out;
}

function sequentialSection(r: BenchResult): string[] {
  const f = r.figures;
  const p = r.plan.sequential;
  if (!has(f, "seq.")) return [];
  const names = r.scenarios.map((s) => s.name).filter((n) => n !== "direct" && f[`seq.added.${n}`]);
  return [
    "",
    "## Sequential overhead, measured the way published gateway comparisons do",
    "",
    `Sequential requests (one keep-alive connection, c=1) to a local mock (the sandbox), ${p.rounds} rounds of ${p.perRound} requests per scenario, ` +
      "scenarios interleaved round by round; the figure is the median of the round medians, less direct's (the mock alone: " +
      `${cell(f, "seq.median.direct", ms)} ms). The published figures were measured elsewhere, on other machines, mocks and clients: ` +
      "set side by side for scale, not as a like-for-like comparison.",
    "",
    table(
      ["gateway", "overhead over the mock (ms)", "source"],
      [
        ...names.map((n) => [n, cell(f, `seq.added.${n}`, (x) => signedFixed(3)(x / 1000)), "this run"]),
        ...PUBLISHED_OVERHEAD.map((g) => [g.gateway, g.ms, "published (issue 11), measured elsewhere"]),
      ],
    ),
  ];
}

function pgSharedSection(r: BenchResult): string[] {
  const f = r.figures;
  const p = r.plan.pgShared;
  if (!has(f, "pg2.")) return [];
  const half = Math.max(1, Math.floor(p.connections / 2));
  return [
    "",
    "## PostgreSQL: two instances on one database, one hot tenant",
    "",
    `Two Vendo servers on one fresh schema; one tenant with ${p.keys} key${p.keys > 1 ? "s" : ""} used through both (each request the next key). ` +
      `Load: autocannon at c=${half} on each instance at once for ${p.durationS} s; admissions are holds placed in the store per second. ` +
      "Then c=1 latency through each, interleaved with direct and passthrough. Then, once every call has settled: `auditLedger` on the store, " +
      "pending holds, and the books for the pool credential (payable) against what the sandbox billed its key.",
    "",
    table(
      ["figure", "value"],
      [
        ["admissions per second (holds placed)", cell(f, "pg2.admissions", int)],
        ["responses per second: instance a + b", `${cell(f, "pg2.rps.a", int)} + ${cell(f, "pg2.rps.b", int)} = ${cell(f, "pg2.rps", int)}`],
        ["server CPU per call: instance a / b (µs)", `${cell(f, "pg2.cpuUs.a", int)} / ${cell(f, "pg2.cpuUs.b", int)}`],
        ["added latency at c=1 over direct, p50: instance a / b (µs)", `${cell(f, "pg2.added50.a", signedInt)} / ${cell(f, "pg2.added50.b", signedInt)}`],
        ["… passthrough in the same measurement (µs)", cell(f, "pg2.added50.passthrough", signedInt)],
        ["one durable PostgreSQL commit on this machine (BEGIN; UPDATE one row; COMMIT), p50 / p99 (µs)", `${cell(f, "pg2.commit50", int)} / ${cell(f, "pg2.commit99", int)}`],
        ["auditLedger ok (1 = every run)", cell(f, "pg2.auditOk", int)],
        ["holds still pending after settling", cell(f, "pg2.pending", int)],
        ["books (payable) − sandbox's bill (nano-USD)", cell(f, "pg2.bookDiff", signedInt)],
        ["booked as unexplained spend (nano-USD)", cell(f, "pg2.unexplained", int)],
        ["calls the sandbox billed", cell(f, "pg2.calls", int)],
      ],
    ),
  ];
}

function accountsSection(r: BenchResult): string[] {
  const f = r.figures;
  const counts = r.plan.accounts.calls;
  if (!has(f, "acct.")) return [];
  const seeded = counts.filter((c) => f[`acct.${c}.seedS`]).map((c) => `${c.toLocaleString("en-US")} in ${cell(f, `acct.${c}.seedS`, fixed(1))} s`);
  return [
    "",
    "## Account endpoints with call records stored (vendo-sqlite, c=1)",
    "",
    "One key whose store holds N call records (spread over 30 days) and counters to match, written straight into SQLite before the server starts" +
      `${seeded.length > 0 ? ` (${seeded.join(", ")})` : ""}. Sequential GETs, the stores interleaved; /v1/generation looks up a call in the middle of the history by its generation id.`,
    "",
    table(
      ["endpoint", ...counts.flatMap((c) => [`${c.toLocaleString("en-US")} calls p50 (µs)`, "p99 (µs)"]), `p50 ratio, ${counts[counts.length - 1]?.toLocaleString("en-US")} / ${counts[0]?.toLocaleString("en-US")}`],
      (["key", "credits", "generation"] as const).map((e) => [
        `GET /v1/${e}`,
        ...counts.flatMap((c) => [cell(f, `acct.${c}.${e}.p50`, int), cell(f, `acct.${c}.${e}.p99`, int)]),
        cell(f, `acct.ratio.${e}`, ratio),
      ]),
    ),
  ];
}

export function toJson(r: BenchResult): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2) + "\n";
}
