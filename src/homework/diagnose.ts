/**
 * What kind of mistake a wrong derivative looks like, tried in a tutor's order (sign, constant factor,
 * chain factor, relu mask, activation derivative, sum term, held constant; else a counterexample),
 * each guess tested numerically against the truth at the check's own points.
 */
import type { Expr } from '../frontends/expression';
import { exprGraph } from '../frontends/exprGraph';
import { toText } from '../explain/printExpr';
import { derivative, exprSize, mk, sameExpr } from '../explain/symbolic';
import { variablesOf } from './names';
import { gradientAt, relError, valueAt, close } from './sample';
import type { Sample } from './sample';
import { fold, inline } from './scope';
import type { Scope } from './scope';
import type { Counterexample, MistakeCode } from './types';

export interface DiagnoseInput {
  /** how the function is named in messages: "L", or "the expression" */
  fnLabel: string;
  wrt: string;
  /** the function with the definitions substituted, and as written */
  lhs: Expr;
  fnRaw: Expr;
  scope: Scope;
  stop: ReadonlySet<string>;
  /** the definitions substituted into lhs, by name */
  used: ReadonlyMap<string, Expr>;
  sample: Sample;
}

export interface Diagnosis {
  mistake: MistakeCode;
  message: string;
  counterexample?: Counterexample;
}

type Calls = Extract<Expr, { kind: 'call' }>;

/** Every call node of the tree (each distinct subtree once), outermost first. */
function calls(e: Expr, out: Calls[] = []): Calls[] {
  if (e.kind !== 'call') return out;
  if (!out.some((c) => sameExpr(c, e))) out.push(e);
  e.args.forEach((a) => calls(a, out));
  return out;
}

const num = (value: number): Expr => ({ kind: 'num', value });

/** The tree with every node `pick` matches replaced by 1. */
function replaceByOne(e: Expr, pick: (n: Expr) => boolean): Expr {
  if (pick(e)) return num(1);
  return e.kind === 'call' ? { ...e, args: e.args.map((a) => replaceByOne(a, pick)) } : e;
}

function fmtNum(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e5 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/** A ratio as a small fraction when it is one (2, 1/2, -3/2), else 4 significant digits. */
function fraction(k: number): string {
  for (let q = 1; q <= 12; q++) {
    const p = Math.round(k * q);
    if (p !== 0 && Math.abs(k - p / q) <= 1e-6 * Math.abs(k)) return q === 1 ? String(p) : `${p}/${q}`;
  }
  return fmtNum(k);
}

export function diagnose(d: DiagnoseInput): Diagnosis {
  const { sample: s, wrt, lhs } = d;
  const n = s.points.length;
  /** the claim equals `cand` at every point */
  const claimIs = (cand: number[]): boolean => cand.every((v, i) => Number.isFinite(v) && close(s.claim[i], v));
  /** claim * factor equals the truth at every point */
  const timesIsTruth = (factor: number[]): boolean => factor.every((f, i) => close(s.claim[i] * f, s.truth[i]));
  const at = (e: Expr): number[] => s.points.map((p) => valueAt(e, p).value);
  const gradOf = (e: Expr): number[] => s.points.map((p) => gradientAt(e, wrt, p).grad);
  const show = (e: Expr): string => toText(fold(e, d.used));
  const dependsOnWrt = (e: Expr): boolean => variablesOf(e).includes(wrt);

  if (!variablesOf(lhs).includes(wrt)) {
    return { mistake: 'no-dependence', message: `${d.fnLabel} does not depend on ${wrt} (after substituting the definitions above).` };
  }
  if (claimIs(s.truth.map((t) => -t))) return { mistake: 'sign-error', message: 'Sign error: your derivative has the right size but the opposite sign.' };

  // inner expressions u of functions f(u) that depend on wrt, with du/dwrt at every point
  const inner = calls(lhs)
    .filter((c) => !['add', 'sub', 'mul', 'div', 'neg', 'max', 'min'].includes(c.fn))
    .map((c) => c.args[0])
    .filter((u, i, all) => u.kind === 'call' && dependsOnWrt(u) && all.findIndex((v) => sameExpr(u, v)) === i)
    .slice(0, 40)
    .map((u) => ({ u, du: gradOf(u) }));
  const chainMissing = inner.find(({ du }) => !du.every((v) => close(v, 1)) && timesIsTruth(du));
  const chain = (u: Expr): Diagnosis => ({
    mistake: 'missing-chain-factor',
    message: `A chain-rule factor is missing: the derivative of the inner expression ${show(u)} with respect to ${wrt}.`,
  });

  // claim = k * truth, with the same k at every point where either is not ~0
  const idx = s.truth.map((_t, i) => i).filter((i) => Math.abs(s.truth[i]) > 1e-9 || Math.abs(s.claim[i]) > 1e-9);
  const ratios = idx.map((i) => s.claim[i] / s.truth[i]);
  if (idx.length >= 3 && Math.abs(ratios[0]) > 1e-12 && ratios.every((r) => Number.isFinite(r) && close(r, ratios[0]))) {
    // a constant inner derivative (d/dx sin(3x) missing its 3) is a chain-rule mistake, not a factor
    if (chainMissing) return chain(chainMissing.u);
    return { mistake: 'constant-factor', message: `Off by a constant factor: your derivative is ${fraction(ratios[0])} times the true one.` };
  }
  if (chainMissing) return chain(chainMissing.u);

  const all = calls(lhs);
  const D = exprSize(lhs) <= 3000 ? derivative(lhs, wrt) : undefined;
  /** the claim equals the symbolic derivative with the nodes `pick` matches replaced by 1 */
  const claimIsWithout = (pick: (e: Expr) => boolean): boolean => !!D && claimIs(at(replaceByOne(D, pick)));
  const relus = all.filter((c) => c.fn === 'relu' && dependsOnWrt(c.args[0])).map((c) => c.args[0]);
  for (const z of relus) {
    if (timesIsTruth(at(mk('step', z))) || claimIsWithout((e) => e.kind === 'call' && e.fn === 'step' && sameExpr(e.args[0], z))) {
      return { mistake: 'dropped-relu-mask', message: `The relu mask is missing: relu'(${show(z)}) is 0 where ${show(z)} < 0, and your derivative ignores that.` };
    }
  }
  if (relus.length > 1 && claimIsWithout((e) => e.kind === 'call' && e.fn === 'step')) {
    return { mistake: 'dropped-relu-mask', message: 'The relu masks are missing: each relu passes the gradient back only where its input is positive.' };
  }

  const acts = all.filter((c) => (c.fn === 'sigmoid' || c.fn === 'tanh') && dependsOnWrt(c.args[0]));
  // the factors derivative() writes for them: σ(u)(1 - σ(u)) and 1 - tanh(u)^2
  const factors = acts.map((a) => (a.fn === 'sigmoid' ? mk('mul', a, mk('sub', num(1), a)) : mk('sub', num(1), mk('pow', a, num(2)))));
  const rule = (fn: string): string => (fn === 'sigmoid' ? "σ'(u) = σ(u)(1 − σ(u))" : "tanh'(u) = 1 − tanh(u)^2");
  for (const [k, a] of acts.entries()) {
    if (timesIsTruth(at(factors[k])) || claimIsWithout((e) => sameExpr(e, factors[k]))) {
      return { mistake: 'missing-activation-derivative', message: `The derivative of the ${a.fn} at ${show(a.args[0])} is missing (${rule(a.fn)}).` };
    }
  }
  if (acts.length > 1 && claimIsWithout((e) => factors.some((f) => sameExpr(e, f)))) {
    const fns = [...new Set(acts.map((a) => a.fn))];
    return { mistake: 'missing-activation-derivative', message: `The derivatives of the activations are missing (${fns.map(rule).join('; ')}).` };
  }

  // the paths from wrt to the function: each occurrence of wrt in the substituted tree, grouped by
  // the definitions it sits in (one group per time step of an RNN)
  const terms = pathTerms(d);
  const missing = terms.findIndex((t) => claimIs(s.truth.map((v, i) => v - t.values[i])));
  if (missing >= 0) {
    return { mistake: 'missing-sum-term', message: `A term of the sum is missing: ${wrt} reaches ${d.fnLabel} along ${terms.length} paths, and your derivative leaves out one of them${terms[missing].through}.` };
  }

  for (const [name, expr] of d.used) {
    if (!dependsOnWrt(expr)) continue;
    const held = inline(d.fnRaw, d.scope, { stop: new Set([...d.stop, name]) });
    const partial = s.points.map((p) => gradientAt(held, wrt, { ...p, [name]: valueAt(expr, p).value }).grad);
    if (claimIs(partial)) return { mistake: 'treated-as-constant', message: `${name} was treated as a constant, but it depends on ${wrt}.` };
  }

  const only = terms.length >= 3 ? terms.findIndex((t) => claimIs(t.values)) : -1;
  if (only >= 0) {
    return { mistake: 'missing-sum-term', message: `Terms of the sum are missing: ${wrt} reaches ${d.fnLabel} along ${terms.length} paths, and your derivative keeps only one of them${terms[only].through}.` };
  }

  let worst = 0;
  for (let i = 1; i < n; i++) if (relError(s.claim[i], s.truth[i]) > relError(s.claim[worst], s.truth[worst])) worst = i;
  const point = s.points[worst];
  const where = Object.entries(point).map(([k, v]) => `${k} = ${fmtNum(v)}`).join(', ');
  return {
    mistake: 'counterexample',
    message: `Counterexample: at ${where}, your expression is ${fmtNum(s.claim[worst])} but the derivative is ${fmtNum(s.truth[worst])}.`,
    counterexample: { point: { ...point }, claimed: s.claim[worst], actual: s.truth[worst] },
  };
}

/**
 * The terms of the total derivative, one per path: the occurrences of wrt in the substituted tree,
 * grouped by the chain of definitions they sit in (single occurrences when there is only one chain).
 */
function pathTerms(d: DiagnoseInput): { values: number[]; through: string }[] {
  const paths: string[][] = [];
  const tree = inline(d.fnRaw, d.scope, { stop: d.stop, rename: (name, path) => (name === d.wrt ? `${d.wrt}#${paths.push([...path]) - 1}` : name) });
  if (paths.length < 2 || paths.length > 64) return [];
  const names = paths.map((_p, k) => `${d.wrt}#${k}`);
  const occ = d.sample.points.map((p) => {
    const q: Record<string, number> = { ...p };
    for (const name of names) q[name] = p[d.wrt];
    const { graph, out, leaves } = exprGraph(tree, q);
    const g = graph.backward(out);
    return names.map((name) => g.scalar(leaves.get(name)!));
  });
  const keys = paths.map((p) => p.join('/'));
  const distinct = [...new Set(keys)];
  const groups = distinct.length >= 2 ? distinct.map((k) => keys.flatMap((x, i) => (x === k ? [i] : []))) : paths.map((_p, i) => [i]);
  const last = (k: number): string => paths[k][paths[k].length - 1] ?? '';
  return groups.map((ks) => {
    const here = last(ks[0]);
    const unique = here !== '' && groups.filter((g) => last(g[0]) === here).length === 1;
    return { values: occ.map((row) => ks.reduce((sum, k) => sum + row[k], 0)), through: unique ? ` (the one through ${here})` : '' };
  });
}
