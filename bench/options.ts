// Command-line flags and the measurement plan they select.
import { scenarioNames, type ScenarioName } from "./target.ts";

export const figureGroups = [
  "throughput",
  "latency",
  "stream",
  "pacing",
  "memory",
  "llm",
  "sequential",
  "concurrency",
  "prompt",
  "streamLength",
  "keys",
  "ledger",
  "pgShared",
  "accounts",
] as const;
export type FigureGroup = (typeof figureGroups)[number];

export interface Plan {
  throughput: { connections: number; durationS: number; warmupS: number };
  latency: { samples: number; warmup: number; block: number };
  stream: { chunks: number; samples: number; warmup: number };
  pacing: { chunks: number; delayMs: number; streams: number };
  memory: { streams: number; warmup: number };
  concurrency: { levels: number[]; durationS: number; warmupS: number };
  prompt: { sizes: number[]; durationS: number; latencySamples: number };
  streamLength: { lengths: number[]; samples: number };
  keys: { counts: number[]; durationS: number; latencySamples: number };
  /** Through the proxy at `connections`, and through the ledger module alone at `moduleConcurrency`. */
  ledger: { connections: number; durationS: number; moduleConcurrency: number };
  /** Real LLM traffic: `counts` streams open at once, each answered after `latencyMs`, then
   *  `chunks` content chunks `chunkDelayMs` apart (a sandbox fault on the scenario's key). The
   *  connections are opened first, untimed, by N requests sent in slices and held upstream until
   *  `openMs` after the last slice. */
  llm: { counts: number[]; latencyMs: number; chunkDelayMs: number; chunks: number; warmup: number; openMs: number };
  /** Sequential requests in `rounds` rounds of `perRound` each: the median of the round medians. */
  sequential: { rounds: number; perRound: number; warmup: number };
  /** Two instances on one PostgreSQL database, one tenant with `keys` keys: `connections` split
   *  over both for `durationS`, then c=1 latency. */
  pgShared: { connections: number; durationS: number; warmupS: number; keys: number; latencySamples: number };
  /** Account endpoints at c=1 on vendo-sqlite stores holding each of `calls` call records. */
  accounts: { calls: number[]; samples: number; warmup: number };
  profile: { durationS: number; latencySamples: number };
}

export const fullPlan: Plan = {
  throughput: { connections: 50, durationS: 5, warmupS: 1 },
  latency: { samples: 2000, warmup: 300, block: 200 },
  stream: { chunks: 200, samples: 100, warmup: 10 },
  pacing: { chunks: 200, delayMs: 5, streams: 2 },
  memory: { streams: 1000, warmup: 200 },
  concurrency: { levels: [1, 10, 50, 200, 500], durationS: 3, warmupS: 0.5 },
  prompt: { sizes: [1024, 10 * 1024, 200 * 1024], durationS: 3, latencySamples: 300 },
  streamLength: { lengths: [10, 200, 1000], samples: 30 },
  keys: { counts: [10, 1000, 100_000], durationS: 3, latencySamples: 500 },
  ledger: { connections: 200, durationS: 5, moduleConcurrency: 512 },
  llm: { counts: [1000, 5000], latencyMs: 300, chunkDelayMs: 20, chunks: 100, warmup: 200, openMs: 1000 },
  sequential: { rounds: 20, perRound: 100, warmup: 100 },
  pgShared: { connections: 50, durationS: 5, warmupS: 1, keys: 2, latencySamples: 1000 },
  accounts: { calls: [100, 1_000_000], samples: 500, warmup: 50 },
  profile: { durationS: 10, latencySamples: 3000 },
};

export const quickPlan: Plan = {
  throughput: { connections: 50, durationS: 1, warmupS: 0.3 },
  latency: { samples: 200, warmup: 50, block: 50 },
  stream: { chunks: 200, samples: 10, warmup: 2 },
  pacing: { chunks: 40, delayMs: 5, streams: 1 },
  memory: { streams: 100, warmup: 20 },
  concurrency: { levels: [1, 10, 50, 200, 500], durationS: 0.5, warmupS: 0 },
  prompt: { sizes: [1024, 10 * 1024, 200 * 1024], durationS: 0.5, latencySamples: 50 },
  streamLength: { lengths: [10, 200, 1000], samples: 5 },
  keys: { counts: [10, 1000], durationS: 0.5, latencySamples: 50 },
  ledger: { connections: 200, durationS: 1, moduleConcurrency: 512 },
  llm: { counts: [100, 400], latencyMs: 300, chunkDelayMs: 20, chunks: 100, warmup: 50, openMs: 1000 },
  sequential: { rounds: 5, perRound: 20, warmup: 20 },
  pgShared: { connections: 50, durationS: 1, warmupS: 0.3, keys: 2, latencySamples: 100 },
  accounts: { calls: [100, 20_000], samples: 50, warmup: 10 },
  profile: { durationS: 3, latencySamples: 500 },
};

export interface BenchOptions {
  quick: boolean;
  runs: number;
  /** Scenarios to run (all available when null). */
  only: ScenarioName[] | null;
  /** Figure groups to measure (all when null). */
  figures: FigureGroup[] | null;
  /** Write bench/results files. */
  write: boolean;
  /** Profile the vendo-sqlite server under load (also done by itself when a target is missed). */
  profile: boolean | "auto";
  /** PostgreSQL for vendo-postgres (DATABASE_URL, or the local test server with VENDO_BENCH_POSTGRES=1). */
  databaseUrl: string | null;
  /** Overrides of the plan (tests shorten it further). */
  plan?: Partial<Plan>;
  log(line: string): void;
}

export const USAGE = `Usage: npm run bench -- [--quick] [--runs N] [--only s1,s2] [--figures f1,f2] [--profile] [--no-write]

  --quick          a tiny run (seconds per figure) to check the harness
  --runs N         repeat every measurement N times; figures are the median with min and max (default 3)
  --only LIST      scenarios: ${scenarioNames.join(", ")}
  --figures LIST   figure groups: ${figureGroups.join(", ")}
  --profile        CPU-profile the vendo-sqlite server under load and summarize it (done anyway when a target is missed)
  --no-profile     never profile
  --no-write       print only; do not write bench/results/

vendo-postgres runs when DATABASE_URL is set, or with VENDO_BENCH_POSTGRES=1 against
postgres://postgres@127.0.0.1:5432/test (a fresh schema, dropped at the end).`;

function list<T extends string>(raw: string, allowed: readonly T[], flag: string): T[] {
  const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`${flag}: unknown "${item}" (one of ${allowed.join(", ")})`);
  return items as T[];
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | "help" {
  const opts: BenchOptions = {
    quick: false,
    runs: 3,
    only: null,
    figures: null,
    write: true,
    profile: "auto",
    databaseUrl: env.DATABASE_URL ?? (env.VENDO_BENCH_POSTGRES === "1" ? "postgres://postgres@127.0.0.1:5432/test" : null),
    log: (line) => console.error(line),
  };
  let runsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "-h":
      case "--help": return "help";
      case "--quick": opts.quick = true; break;
      case "--runs": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new Error("--runs expects a positive integer");
        opts.runs = n;
        runsGiven = true;
        break;
      }
      case "--only": opts.only = list(value(), scenarioNames, "--only"); break;
      case "--figures": opts.figures = list(value(), figureGroups, "--figures"); break;
      case "--profile": opts.profile = true; break;
      case "--no-profile": opts.profile = false; break;
      case "--no-write": opts.write = false; break;
      default: throw new Error(`unknown argument "${arg}"\n\n${USAGE}`);
    }
  }
  if (opts.quick && !runsGiven) opts.runs = 1;
  return opts;
}
