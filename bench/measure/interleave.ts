// Sequential samples over several targets, interleaved so machine noise lands on all of them alike:
// a warm-up per target, then blocks of `block` samples, rotating which target goes first.
export async function interleave(
  targetCount: number,
  opts: { samples: number; warmup: number; block: number },
  one: (target: number, record: boolean) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < targetCount; i++) for (let n = 0; n < opts.warmup; n++) await one(i, false);
  for (let done = 0; done < opts.samples; done += opts.block) {
    const size = Math.min(opts.block, opts.samples - done);
    for (let k = 0; k < targetCount; k++) {
      const i = (k + done / opts.block) % targetCount;
      for (let n = 0; n < size; n++) await one(i, true);
    }
  }
}
