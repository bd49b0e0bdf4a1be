// CPU time of a server process, read from /proc/<pid>/stat: user + system time of every thread of
// the process (the SQLite checkpointer's worker included), so any process can be measured, a
// foreign one (Portkey) as well as the bench's own children.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let clockTicks: number | null = null;

/** Clock ticks per second of /proc's time fields (`getconf CLK_TCK`, 100 on Linux). */
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU milliseconds the process has used so far (resolution 1 / CLK_TCK s); null without /proc. */
export function processCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // pid (comm) state …: comm may hold spaces and parentheses, so split after its last ")".
  // Fields after it start at field 3 (state); utime is field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1000) / ticksPerSecond();
}

/** CPU used by a process over a piece of work, milliseconds (NaN without /proc). */
export async function cpuDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = processCpuMs(pid);
  const result = await work();
  const after = processCpuMs(pid);
  return { result, cpuMs: before === null || after === null ? Number.NaN : after - before };
}
