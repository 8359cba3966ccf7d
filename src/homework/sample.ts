/**
 * The numeric check's points: each variable drawn from its domain ([-2, 2], positive where a log or
 * sqrt needs it, or the document's `domain:` override), points within 1e-6 of a kink redrawn, points
 * where either side is not finite skipped. The true derivative at each point is the engine's autodiff.
 */
import type { Expr } from '../frontends/expression';
import { exprGraph } from '../frontends/exprGraph';

export type Interval = readonly [lo: number, hi: number];

export interface Domains {
  /** per variable (canonical names) */
  names: ReadonlyMap<string, Interval>;
  /** for every variable not named, replacing the defaults */
  all?: Interval;
}

export interface Sample {
  points: Record<string, number>[];
  truth: number[];
  claim: number[];
  /** draws made, and how many were rejected near a kink or for a value that is not finite */
  draws: number;
  nearKink: number;
  notFinite: number;
}

export const DEFAULT_DOMAIN: Interval = [-2, 2];
export const POSITIVE_DOMAIN: Interval = [0.1, 2];
export const KINK_MARGIN = 1e-6;
export const RTOL = 1e-6;
export const ATOL = 1e-9;

/** |a - b| within the check's tolerance of b. */
export const close = (a: number, b: number): boolean => Math.abs(a - b) <= ATOL + RTOL * Math.abs(b);

/** The relative error with an absolute floor: at most RTOL exactly when `close`. */
export const relError = (a: number, b: number): number => Math.abs(a - b) / (Math.abs(b) + ATOL / RTOL);

/** Variables that must be positive: those under a log, sqrt or fractional power, unless already made positive. */
export function positiveVariables(e: Expr, out = new Set<string>(), under = false): Set<string> {
  if (e.kind === 'var') {
    if (under) out.add(e.name);
  } else if (e.kind === 'call') {
    // exp, sigmoid, softplus and |x| are positive whatever their argument
    if (under && (e.fn === 'exp' || e.fn === 'sigmoid' || e.fn === 'softplus' || e.fn === 'abs')) return out;
    const fractional = e.fn === 'pow' && e.args[1].kind === 'num' && !Number.isInteger(e.args[1].value);
    e.args.forEach((a, i) => positiveVariables(a, out, under || e.fn === 'log' || e.fn === 'sqrt' || (fractional && i === 0)));
  }
  return out;
}

export function domainOf(name: string, domains: Domains, positive: ReadonlySet<string>): Interval {
  return domains.names.get(name) ?? domains.all ?? (positive.has(name) ? POSITIVE_DOMAIN : DEFAULT_DOMAIN);
}

/** The value and the derivative d expr / d wrt at one point, and its distance from a kink. */
export function gradientAt(expr: Expr, wrt: string, values: Readonly<Record<string, number>>): { value: number; grad: number; kink: number } {
  const { graph, out, leaves } = exprGraph(expr, values);
  const value = graph.scalar(out);
  const kink = graph.kinkDistance(out).distance;
  const leaf = leaves.get(wrt);
  const grad = leaf === undefined ? 0 : graph.backward(out).scalar(leaf);
  return { value, grad, kink };
}

export function valueAt(expr: Expr, values: Readonly<Record<string, number>>): { value: number; kink: number } {
  const { graph, out } = exprGraph(expr, values);
  return { value: graph.scalar(out), kink: graph.kinkDistance(out).distance };
}

/**
 * Up to `n` valid points for d lhs / d wrt against rhs, from at most `maxDraws` draws.
 * `rand` gives uniform numbers in [0, 1).
 */
export function drawSample(lhs: Expr, wrt: string, rhs: Expr, vars: readonly string[], domains: Domains, rand: () => number, n: number, maxDraws = n * 25): Sample {
  const positive = positiveVariables(lhs, positiveVariables(rhs));
  const intervals = vars.map((v) => domainOf(v, domains, positive));
  const s: Sample = { points: [], truth: [], claim: [], draws: 0, nearKink: 0, notFinite: 0 };
  while (s.points.length < n && s.draws < maxDraws) {
    s.draws++;
    const point: Record<string, number> = {};
    vars.forEach((v, i) => (point[v] = intervals[i][0] + (intervals[i][1] - intervals[i][0]) * rand()));
    const t = gradientAt(lhs, wrt, point);
    const c = valueAt(rhs, point);
    if (Math.min(t.kink, c.kink) < KINK_MARGIN) {
      s.nearKink++;
      continue;
    }
    if (!Number.isFinite(t.value) || !Number.isFinite(t.grad) || !Number.isFinite(c.value)) {
      s.notFinite++;
      continue;
    }
    s.points.push(point);
    s.truth.push(t.grad);
    s.claim.push(c.value);
  }
  return s;
}
