/**
 * Finite-difference gradient check: central differences against the engine's backward pass, with
 * the relative error |a - n| / max(1e-8, |a| + |n|) and the worst coordinate. A point within
 * `kinkMargin` of a kink (relu at 0, a tie in max) is flagged, not reported as a mismatch.
 */
import { Graph } from './graph';
import type { NodeId } from './tape';
import type { Tensor } from './tensor';

export interface GradcheckWorst {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
  relError: number;
}

export interface GradcheckResult {
  status: 'pass' | 'fail' | 'near-kink';
  worst: GradcheckWorst | null;
  kinkDistance: number;
}

export interface GradcheckOptions {
  eps?: number;
  tol?: number;
  kinkMargin?: number;
  reluAtZero?: number;
}

export type GraphFn = (g: Graph, xs: NodeId[]) => NodeId;

export function relError(a: number, n: number): number {
  return Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));
}

function evaluate(f: GraphFn, inputs: readonly Tensor[], opts: GradcheckOptions): number {
  const g = new Graph({ reluAtZero: opts.reluAtZero });
  const out = f(g, inputs.map((t) => g.param(t)));
  let s = 0;
  for (const v of g.value(out).data) s += v;
  return s;
}

/** Checks the gradient of sum(f(inputs)) with respect to every input coordinate. */
export function gradcheck(f: GraphFn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6, tol = opts.tol ?? 1e-6, margin = opts.kinkMargin ?? 1e-4;
  const g = new Graph({ reluAtZero: opts.reluAtZero });
  const xs = inputs.map((t) => g.param(t));
  const out = f(g, xs);
  const grads = g.backward(out);
  const kinkDistance = g.kinkDistance(out).distance;
  let worst: GradcheckWorst | null = null;
  inputs.forEach((t, input) => {
    const analytic = grads.get(xs[input]).data;
    for (let index = 0; index < t.data.length; index++) {
      const bump = (d: number): number => {
        const data = t.data.slice();
        data[index] += d;
        return evaluate(f, inputs.map((u, k) => (k === input ? { shape: u.shape, data } : u)), opts);
      };
      const numeric = (bump(eps) - bump(-eps)) / (2 * eps);
      const e = relError(analytic[index], numeric);
      if (!worst || e > worst.relError) worst = { input, index, analytic: analytic[index], numeric, relError: e };
    }
  });
  const w = worst as GradcheckWorst | null;
  const status = kinkDistance < margin ? 'near-kink' : w && w.relError > tol ? 'fail' : 'pass';
  return { status, worst: w, kinkDistance };
}
