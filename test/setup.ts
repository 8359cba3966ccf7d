/**
 * toBeAllclose: |actual - expected| <= atol + rtol * |expected| elementwise, like numpy.allclose,
 * with the worst entry named in the failure message. `floor` adds floor * max|expected| to atol: the
 * rounding noise of a sum whose terms cancel, relative to the size of the tensor it sits in.
 */
import { expect } from 'vitest';

type Num = number | Num[] | Float64Array;

function flatten(x: unknown, out: number[] = []): number[] {
  if (typeof x === 'number') out.push(x);
  else if (x instanceof Float64Array || Array.isArray(x)) for (const v of x) flatten(v, out);
  else if (x && typeof x === 'object' && 'data' in x) flatten((x as { data: unknown }).data, out);
  else throw new Error(`toBeAllclose: cannot read ${String(x)}`);
  return out;
}

expect.extend({
  toBeAllclose(received: unknown, expected: unknown, opts: { rtol?: number; atol?: number; floor?: number } = {}) {
    const a = flatten(received), b = flatten(expected);
    let scale = 0;
    for (const v of b) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const rtol = opts.rtol ?? 1e-9, atol = (opts.atol ?? 0) + (opts.floor ?? 0) * scale;
    if (a.length !== b.length) return { pass: false, message: () => `length ${a.length} != ${b.length}` };
    let worst = -1, worstExcess = 0;
    for (let i = 0; i < a.length; i++) {
      const excess = Math.abs(a[i] - b[i]) - (atol + rtol * Math.abs(b[i]));
      const bad = Number.isNaN(a[i]) !== Number.isNaN(b[i]) || (a[i] !== b[i] && !(excess <= 0));
      if (bad && (worst < 0 || excess > worstExcess)) { worst = i; worstExcess = excess; }
    }
    return {
      pass: worst < 0,
      message: () => worst < 0
        ? `expected values not to be allclose`
        : `entry ${worst}: ${a[worst]} vs expected ${b[worst]} (rtol ${rtol}, atol ${atol}); ${a.length} entries`,
    };
  },
});

declare module 'vitest' {
  interface Matchers<T = any> {
    toBeAllclose(expected: Num | { data: Float64Array }, opts?: { rtol?: number; atol?: number; floor?: number }): T;
  }
}
