// What every figure group gets for one run (the servers, the plan, where to put its numbers), and
// the small helpers the groups share.
import type { Plan } from "./options.ts";
import { setFault, type BenchEnv, type Running } from "./scenarios.ts";
import type { ScenarioName, Target } from "./target.ts";

export interface RunContext {
  plan: Plan;
  env: BenchEnv;
  /** Long-lived servers, in scenario order. */
  targets: Target[];
  values: Map<string, number>;
  notes: Set<string>;
  log(line: string): void;
  /** Starts a fresh server of a scenario (memory figures, key counts). */
  fresh(name: ScenarioName, label: string): Promise<Running>;
  /** PostgreSQL URL of the vendo-postgres scenario, if it runs. */
  databaseUrl: string | null;
  /** Long-lived vendo-sqlite servers with N keys, started on first use. */
  withKeys(count: number): Promise<Running>;
  /** Long-lived vendo-sqlite servers whose store holds N call records of their key, started on first use. */
  withCalls(count: number): Promise<Running>;
}

export const find = (ctx: RunContext, name: ScenarioName) => ctx.targets.find((t) => t.name === name);
export const present = (ctx: RunContext, names: readonly ScenarioName[]) => names.map((n) => find(ctx, n)).filter((t): t is Target => t !== undefined);

/** Runs `fn` with a sandbox fault set on every target's upstream key, then clears it. */
export async function withFault<T>(ctx: RunContext, targets: readonly Target[], fault: string, fn: () => Promise<T>): Promise<T> {
  await Promise.all(targets.map((t) => setFault(ctx.env, t, fault)));
  try {
    return await fn();
  } finally {
    await Promise.all(targets.map((t) => setFault(ctx.env, t, null)));
  }
}

export function failures(ctx: RunContext, what: string, name: string, n: number, detail?: string): void {
  if (n > 0) ctx.notes.add(`${name}: ${what} had failed requests (${n} in one run)${detail ? `: ${detail}` : ""}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
