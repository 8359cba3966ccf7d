// The one timer every column uses: warm up, then time batches of calls until there are enough
// samples, and report the median ms per call (batching keeps sub-microsecond calls measurable).
// Columns of one row are sampled in turn, PyTorch's (in a Python process) too, so load from other
// processes and the machine's slow phases hit them alike.

export interface TimingOptions {
  /** stop sampling once this much time is spent and minReps samples are taken */
  targetMs?: number;
  minReps?: number;
  /** stop anyway after this long (slow cells then keep fewer samples, at least one) */
  capMs?: number;
  /** warm-up time before sampling (at least one call) */
  warmupMs?: number;
  /**
   * duration of one call already made (e.g. by a correctness check): when it is at least
   * SLOW_CALL_MS the cell is too slow to warm up again, and sampling starts at once
   */
  warmedMs?: number;
}

export interface Timing {
  /** median ms per call */
  ms: number;
  /** samples taken (each a batch of `batch` calls) */
  reps: number;
  batch: number;
}

export const DEFAULT_TIMING: Required<Omit<TimingOptions, 'warmedMs'>> = { targetMs: 1000, minReps: 5, capMs: 2000, warmupMs: 300 };

/** A first call this slow already warmed the code up (a cold first call of a fast cell does not). */
export const SLOW_CALL_MS = 1000;

/** A batch lasts at least this long, so the timer's own cost stays negligible. */
const MIN_BATCH_MS = 2;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One function to time, with the duration of a call already made (see TimingOptions.warmedMs). */
export interface Cell {
  name: string;
  fn: () => void;
  warmedMs?: number;
}

/**
 * A column timed in another process (PyTorch in Python): it warms up and times its own batches
 * with its own clock, so the pipe between the processes is outside every sample.
 */
export interface RemoteCell {
  name: string;
  /** warms up for about warmupMs (or not at all after a slow first call) and returns ms per call */
  warmUp(warmupMs: number): Promise<number>;
  /** ms that `batch` calls took */
  sample(batch: number): Promise<number>;
}

/** Calls in one sample batch for a function of `perCall` ms. */
function batchFor(perCall: number): number {
  return Math.max(1, Math.ceil(MIN_BATCH_MS / Math.max(perCall, 1e-6)));
}

/** Warms fn up and returns ms per call. */
function warmUp(fn: () => void, warmed: number, warmupMs: number): number {
  if (warmed >= SLOW_CALL_MS) return warmed;
  let calls = 0;
  const w0 = performance.now();
  while (calls === 0 || performance.now() - w0 < warmupMs) {
    fn();
    calls++;
  }
  return (performance.now() - w0) / calls;
}

function local(c: Cell): RemoteCell {
  return {
    name: c.name,
    warmUp: async (warmupMs) => warmUp(c.fn, c.warmedMs ?? 0, warmupMs),
    async sample(batch) {
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) c.fn();
      return performance.now() - t0;
    },
  };
}

/**
 * Times several functions round-robin: each round takes one sample batch of every cell that still
 * needs samples, until each has targetMs of samples and minReps samples (or capMs, at least one).
 * A remote cell (another process) takes its turn like the rest, so a slow phase of the machine
 * falls on every column of the row, not on whichever was being timed when it came.
 */
export async function timeInterleaved(cells: readonly (Cell | RemoteCell)[], opts: TimingOptions = {}): Promise<Record<string, Timing>> {
  const o = { ...DEFAULT_TIMING, ...opts };
  const state: { c: RemoteCell; batch: number; samples: number[]; spent: number; done: boolean }[] = [];
  for (const cell of cells) {
    const c = 'fn' in cell ? local(cell) : cell;
    state.push({ c, batch: batchFor(await c.warmUp(o.warmupMs)), samples: [], spent: 0, done: false });
  }
  while (state.some((s) => !s.done)) {
    for (const s of state) {
      if (s.done) continue;
      const dt = await s.c.sample(s.batch);
      s.samples.push(dt / s.batch);
      s.spent += dt;
      s.done = (s.spent >= o.targetMs && s.samples.length >= o.minReps) || s.spent >= o.capMs;
    }
  }
  return Object.fromEntries(state.map((s) => [s.c.name, { ms: median(s.samples), reps: s.samples.length, batch: s.batch }]));
}

export async function timeMedian(fn: () => void, opts: TimingOptions = {}): Promise<Timing> {
  return (await timeInterleaved([{ name: 'fn', fn, warmedMs: opts.warmedMs }], opts)).fn;
}

/** Wall time of one call, in ms, and its result. */
export function timeOnce<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}
