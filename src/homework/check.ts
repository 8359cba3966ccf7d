/**
 * Checks one derivative claim: the definitions are substituted into both sides, the left side is
 * differentiated by the engine's autodiff and both sides are compared at random points. A wrong
 * claim gets a diagnosis; with feedback 'full' also the correct derivative.
 */
import type { Expr } from '../frontends/expression';
import { InputError } from '../frontends/sentence';
import { toLatex, toText } from '../explain/printExpr';
import { derivative, exprSize, sameExpr } from '../explain/symbolic';
import { diagnose } from './diagnose';
import { variablesOf } from './names';
import { close, drawSample, relError } from './sample';
import type { Domains } from './sample';
import { fold, inline } from './scope';
import type { Scope } from './scope';
import type { ClaimResult, Feedback, Item } from './types';

export interface ClaimCheckOptions {
  feedback: Feedback;
  /** points to compare at (default 20) */
  points: number;
  domains: Domains;
  /** uniform numbers in [0, 1) for this claim */
  rand: () => number;
}

type ClaimItem = Extract<Item, { type: 'claim' }>;

const base = (c: ClaimItem): Pick<ClaimResult, 'range' | 'lhs' | 'claim'> => ({ range: c.range, lhs: c.lhs, claim: c.claim });

/** A result that is not a verdict on the math: the claim could not be checked. */
export function errorResult(c: Pick<ClaimResult, 'range' | 'lhs' | 'claim'>, mistake: 'parse-error' | 'undefined-name' | 'too-few-points', message: string): ClaimResult {
  return { ...base(c as ClaimItem), verdict: 'error', mistake, message, points: 0, worstRelError: 0 };
}

export function checkClaim(c: ClaimItem, scope: Scope, o: ClaimCheckOptions): ClaimResult {
  const { wrt } = c;
  let fnRaw: Expr;
  let fnLabel: string;
  if ('name' in c.fn) {
    if (!scope.has(c.fn.name) && c.fn.name !== wrt) {
      return errorResult(c, 'undefined-name', `${c.fn.name} is not defined above: write its definition (e.g. ${c.fn.name} = ...) before this claim.`);
    }
    fnRaw = { kind: 'var', name: c.fn.name };
    fnLabel = c.fn.name;
  } else {
    fnRaw = c.fn.expr;
    fnLabel = 'the expression';
  }
  const stop = new Set([wrt]);
  const used = new Map<string, Expr>();
  let lhs: Expr, rhs: Expr;
  try {
    lhs = inline(fnRaw, scope, { stop, used });
    rhs = inline(c.rhs, scope, { stop, used: new Map() });
  } catch (e) {
    if (e instanceof InputError) return errorResult(c, 'parse-error', e.message);
    throw e;
  }
  const lhsVars = variablesOf(lhs);
  const stray = variablesOf(rhs).filter((v) => v !== wrt && !lhsVars.includes(v));
  if (stray.length) {
    const names = stray.join(', ');
    return errorResult(c, 'undefined-name', `The right side uses ${names}, which ${stray.length > 1 ? 'are' : 'is'} not defined above and not a variable of ${fnLabel}.`);
  }
  const vars = lhsVars.includes(wrt) ? lhsVars : [...lhsVars, wrt];
  const explain = { expression: toText(lhs), wrt };
  const s = drawSample(lhs, wrt, rhs, vars, o.domains, o.rand, o.points);
  const n = s.points.length;
  if (n < o.points) {
    const why = s.notFinite >= s.nearKink ? 'one side is not finite (a log or sqrt of a negative number, a division by 0)' : `a kink (relu at 0, a tie in max) is within 1e-6`;
    return {
      ...errorResult(c, 'too-few-points', `Could not draw ${o.points} valid points (${n} of ${s.draws} draws were usable; at the others ${why}). Narrow the domain, e.g. "domain: x in [0.1, 2]".`),
      points: n,
      explain,
    };
  }
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, relError(s.claim[i], s.truth[i]));
  const ok = s.claim.every((v, i) => close(v, s.truth[i]));
  const symbolic = exprSize(lhs) <= 500 ? sameExpr(derivative(lhs, wrt), rhs) : undefined;
  const common = { ...base(c), points: n, worstRelError: worst, explain, ...(symbolic ? { symbolic } : {}) };
  if (ok) return { ...common, verdict: 'correct', message: `Derivative checked at ${n} points (worst relative error ${worst.toExponential(1)}).` };

  const correct = o.feedback === 'full' ? correctDerivative(lhs, wrt, used) : undefined;
  if (o.feedback === 'verdict') {
    return { ...common, verdict: 'incorrect', message: `Incorrect: this does not match the derivative of ${fnLabel} with respect to ${wrt} (checked at ${n} points).` };
  }
  const d = diagnose({ fnLabel, wrt, lhs, fnRaw, scope, stop, used, sample: s });
  return {
    ...common,
    verdict: 'incorrect',
    mistake: d.mistake,
    message: correct ? `${d.message} The correct derivative is ${correct.text}.` : d.message,
    ...(d.counterexample ? { counterexample: d.counterexample } : {}),
    ...(correct ? { correct } : {}),
  };
}

/** The symbolic derivative, with the defined names written back in where they fit. */
function correctDerivative(lhs: Expr, wrt: string, used: ReadonlyMap<string, Expr>): { text: string; latex: string } {
  const d = fold(derivative(lhs, wrt), used);
  return { text: toText(d), latex: toLatex(d) };
}
