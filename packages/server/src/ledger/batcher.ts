// Group commit: operations that arrive while a flush is running (or in the same tick) share one
// store transaction. Latency at low load is one tick; at high load batches grow by themselves.
export interface Batcher<Op, Result> {
  submit(op: Op): Promise<Result>;
  /** Resolves when everything submitted so far is committed. */
  drain(): Promise<void>;
}

interface Pending<Op, Result> {
  op: Op;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export function createBatcher<Op, Result>(
  flush: (ops: Op[]) => Promise<Result[]>,
  options: { maxBatch?: number } = {},
): Batcher<Op, Result> {
  const maxBatch = options.maxBatch ?? 512;
  let queue: Array<Pending<Op, Result>> = [];
  let running: Promise<void> | null = null;
  let scheduled = false;

  async function run(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await flush(batch.map((p) => p.op));
        batch.forEach((p, i) => p.resolve(results[i] as Result));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    running = null;
  }

  function schedule(): void {
    if (running || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (!running) running = run();
    });
  }

  return {
    submit(op) {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ op, resolve, reject });
        schedule();
      });
    },
    async drain() {
      while (queue.length > 0 || running || scheduled) {
        if (running) await running;
        else await new Promise((r) => setImmediate(r));
      }
    },
  };
}
