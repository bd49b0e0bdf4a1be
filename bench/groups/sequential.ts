// Sequential overhead as the published gateway comparisons measure it (issue 11, "Bench v2").
import { failures, type RunContext } from "../context.ts";
import { sequentialLatency } from "../measure/latency.ts";
import { median } from "../stats.ts";

/**
 * Sequential overhead the way the published gateway comparisons measure it: sequential requests
 * to a local mock, in rounds; the figure is the median of the rounds' medians, less direct's.
 */
export async function sequentialFigures(ctx: RunContext): Promise<void> {
  const p = ctx.plan.sequential;
  // Interleaved blocks of `perRound`: each target's samples come in rounds of perRound in a row.
  const res = await sequentialLatency(ctx.targets, { samples: p.rounds * p.perRound, warmup: p.warmup, block: p.perRound });
  const medianOfRounds = (samples: readonly number[]) => {
    const rounds: number[] = [];
    for (let i = 0; i + p.perRound <= samples.length; i += p.perRound) rounds.push(median(samples.slice(i, i + p.perRound)));
    return median(rounds);
  };
  for (const t of ctx.targets) {
    const r = res.get(t.name);
    if (!r) continue;
    failures(ctx, "sequential overhead", t.name, r.failures);
    ctx.values.set(`seq.median.${t.name}`, medianOfRounds(r.samples));
  }
  const direct = ctx.values.get("seq.median.direct");
  for (const t of ctx.targets) {
    const mine = ctx.values.get(`seq.median.${t.name}`);
    if (mine !== undefined && direct !== undefined) ctx.values.set(`seq.added.${t.name}`, mine - direct);
  }
  ctx.log(`  sequential overhead: ${ctx.targets.map((t) => `${t.name} +${(ctx.values.get(`seq.added.${t.name}`) ?? NaN).toFixed(0)} µs`).join(", ")}`);
}
