// Summarizes a V8 .cpuprofile (node --cpu-prof): self time by function and by file, as Markdown.
import { readFileSync } from "node:fs";
import { repoRoot } from "./child.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  where: string;
  micros: number;
  /** Share of the non-idle time. */
  percent: number;
}

const META = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

function shorten(url: string): string {
  if (!url) return "(native)";
  let path = url.replace(/^file:\/\//, "");
  if (path.startsWith(repoRoot)) path = path.slice(repoRoot.length);
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) path = path.slice(nm);
  return path;
}

/** A time window in microseconds of the monotonic clock (process.hrtime.bigint() / 1000n), which
 *  is the clock of a .cpuprofile's timestamps on the same machine. */
export interface Window {
  fromUs: number;
  toUs: number;
}

export function summarizeProfile(
  file: string,
  window?: Window,
  top = 20,
): { functions: SelfTime[]; files: SelfTime[]; idlePercent: number; gcPercent: number; totalMs: number } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    self.set(id, (self.get(id) ?? 0) + delta);
  });
  let total = 0;
  let idle = 0;
  let gc = 0;
  const fns = new Map<string, SelfTime>();
  const files = new Map<string, SelfTime>();
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (!node) continue;
    total += micros;
    const name = node.callFrame.functionName || "(anonymous)";
    if (name === "(idle)") idle += micros;
    if (name === "(garbage collector)") gc += micros;
    if (name === "(idle)") continue;
    const where = META.has(name) ? "" : `${shorten(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    const key = `${name}@${where}`;
    const f = fns.get(key) ?? { name, where, micros: 0, percent: 0 };
    f.micros += micros;
    fns.set(key, f);
    const fileKey = META.has(name) ? name : shorten(node.callFrame.url);
    const g = files.get(fileKey) ?? { name: fileKey, where: "", micros: 0, percent: 0 };
    g.micros += micros;
    files.set(fileKey, g);
  }
  const busy = total - idle;
  const rank = (m: Map<string, SelfTime>) =>
    [...m.values()]
      .map((s) => ({ ...s, percent: busy > 0 ? (100 * s.micros) / busy : 0 }))
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top);
  return {
    functions: rank(fns),
    files: rank(files),
    idlePercent: total > 0 ? (100 * idle) / total : 0,
    gcPercent: busy > 0 ? (100 * gc) / busy : 0,
    totalMs: total / 1000,
  };
}

export function profileMarkdown(file: string, context: string, window?: Window): string {
  const s = summarizeProfile(file, window);
  const lines = [
    `${context}: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${s.idlePercent.toFixed(1)}% idle; garbage collection ${s.gcPercent.toFixed(1)}% of busy time. Self time as a share of busy (non-idle) time:`,
    "",
    "| self % | function | where |",
    "|---:|---|---|",
    ...s.functions.map((f) => `| ${f.percent.toFixed(1)} | \`${f.name}\` | ${f.where ? `\`${f.where}\`` : ""} |`),
    "",
    "By file:",
    "",
    "| self % | file |",
    "|---:|---|",
    ...s.files.slice(0, 12).map((f) => `| ${f.percent.toFixed(1)} | \`${f.name}\` |`),
  ];
  return lines.join("\n");
}

// `node --import tsx bench/profile.ts FILE.cpuprofile`: print the summary of an existing profile.
if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node --import tsx bench/profile.ts FILE.cpuprofile");
    process.exit(2);
  }
  console.log(profileMarkdown(file, "Summary"));
}
