// Loss and gradients as plain numbers, the same shape for every column, and the relative error
// used by the correctness guard.

/** One forward + backward's loss and named gradients (flattened, row-major). */
export interface GradResult {
  loss: number;
  grads: Record<string, ArrayLike<number>>;
}

/** A column's implementation of one case: run() is what is timed; result() is read by the checks. */
export interface CaseRunner {
  run(): void;
  result(): GradResult;
  /** nodes on the tape after one call (engine only) */
  nodes?(): number;
  dispose?(): void;
}

/**
 * max |a - b| / max |b|: the error relative to the reference array's scale (elementwise relative
 * error would flag tiny entries that cancel). 0 when both are exactly 0; Infinity for NaN.
 */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Infinity;
    diff = Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]));
  }
  if (diff === 0) return 0;
  return scale === 0 ? Infinity : diff / scale;
}

/** Per quantity (loss and each gradient both results have), the relative error of `got` against `ref`. */
export function compareResults(got: GradResult, ref: GradResult): { name: string; err: number }[] {
  const out = [{ name: 'loss', err: relErr([got.loss], [ref.loss]) }];
  for (const k of Object.keys(ref.grads)) {
    if (k in got.grads) out.push({ name: `dL/d${k}`, err: relErr(got.grads[k], ref.grads[k]) });
  }
  return out;
}
