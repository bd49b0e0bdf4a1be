// Group commit: operations that arrive while a flush is running (or in the same tick) share one
// store transaction. Latency at low load is one tick; at high load batches grow by themselves.
//
// Some operations have nobody waiting on them (a settlement, after its answer has gone out):
// they linger up to `lingerMs` for the next urgent operation to carry them, so a lone caller's
// next admission does not queue behind the commit of its previous settlement.
export interface Batcher<Op, Result> {
  submit(op: Op): Promise<Result>;
  /** Resolves when everything submitted so far is committed (lingering operations included). */
  drain(): Promise<void>;
}

export interface BatcherOptions<Op> {
  maxBatch?: number;
  /** How long an operation that may wait (see `mayWait`) waits for company before it goes alone. */
  lingerMs?: number;
  mayWait?: (op: Op) => boolean;
}

interface Pending<Op, Result> {
  op: Op;
  urgent: boolean;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export function createBatcher<Op, Result>(flush: (ops: Op[]) => Promise<Result[]>, options: BatcherOptions<Op> = {}): Batcher<Op, Result> {
  const maxBatch = options.maxBatch ?? 512;
  const lingerMs = options.lingerMs ?? 0;
  const mayWait = options.mayWait ?? (() => false);
  let queue: Array<Pending<Op, Result>> = [];
  let urgentQueued = 0;
  let running: Promise<void> | null = null;
  let tick: NodeJS.Immediate | null = null;
  let linger: NodeJS.Timeout | null = null;

  async function run(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      for (const p of batch) if (p.urgent) urgentQueued--;
      try {
        const results = await flush(batch.map((p) => p.op));
        batch.forEach((p, i) => p.resolve(results[i] as Result));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
      if (urgentQueued === 0) break; // what is left may wait for company
    }
    running = null;
    if (queue.length > 0) schedule();
  }

  function start(): void {
    if (tick) clearImmediate(tick);
    tick = null;
    if (linger) clearTimeout(linger);
    linger = null;
    if (!running) running = run();
  }

  function schedule(): void {
    if (running || tick) return; // the running flush looks at the queue when it ends
    if (urgentQueued > 0 || lingerMs === 0) {
      tick = setImmediate(start);
    } else if (!linger) {
      linger = setTimeout(start, lingerMs);
    }
  }

  return {
    submit(op) {
      return new Promise<Result>((resolve, reject) => {
        const urgent = lingerMs === 0 || !mayWait(op);
        queue.push({ op, urgent, resolve, reject });
        if (urgent) urgentQueued++;
        schedule();
      });
    },
    async drain() {
      while (queue.length > 0 || running || tick || linger) {
        if (linger && !running) start();
        if (running) await running;
        else await new Promise((r) => setImmediate(r));
      }
    },
  };
}
