/**
 * Check Backward Pass: run the student's code, pair each hand-written gradient with its parameter,
 * differentiate the loss with the engine and compare by relative error. A wrong gradient comes with
 * its worst entry, the first time step where the hand-written dL/dh_t disagrees, and the line to fix.
 */
import type { NodeId, SourceRange } from '../../engine/tape';
import { toNested } from '../../engine/tensor';
import type { Nested } from '../../engine/tensor';
import { PythonError } from './pyError';
import type { PyTraceOptions, AssumedValue } from './trace';
import { findLoss, runPython } from './trace';
import type { Interpreter } from './interpreter';
import type { Scope, Value } from './values';
import { isArr } from './values';
import { readAnnotations } from './annotations';
import type { PairAnnotation } from './annotations';
import { pairGradients } from './pairing';
import { Blame, PASS, relError } from './blame';
import { ancestors, findHidden } from './hidden';

export interface CheckOptions extends PyTraceOptions {
  /** check the gradients this function computes (its locals when it returns) */
  functionName?: string;
}

export interface ParamCheck {
  name: string;
  gradientVariable: string;
  verdict: 'correct' | 'incorrect';
  /** max over entries of |a - n| / max(1e-8, |a| + |n|) */
  relError: number;
  /** the entry with the largest relative error (row-major index per axis) */
  worst?: { index: number[]; hand: number; auto: number };
  /** the statement that computes the wrong quantity (0-based); `line` is 1-based */
  range?: SourceRange;
  line?: number;
  /** the first time step (in the order the backward pass visits them) where dL/dh_t disagrees */
  firstBadStep?: number;
  hand: Nested;
  auto: Nested;
  message: string;
}

export interface CheckResult {
  loss: { name: string; value: number };
  params: ParamCheck[];
  /** parameters the loss depends on that no hand-written gradient was found for */
  unpaired: string[];
  hidden?: { name: string; gradient?: string; firstBadStep?: number };
  assumed: AssumedValue[];
}

/** The scope whose variables hold the gradients: the module, or a function's locals when it returned. */
function gradientScope(ip: Interpreter, fn: string | undefined): { scope: Scope; returned?: Value } {
  if (!fn) return { scope: ip.module };
  let r = ip.returns.get(fn);
  if (!r) {
    const f = ip.module.vars.get(fn);
    if (!f || typeof f !== 'object' || f.kind !== 'func') throw new PythonError('runtime', `no function named ${fn} in the file`, ip.stmtRange);
    // call it with the file's variables of the same names as its arguments
    const dummy = f.body;
    ip.callValue(f, { positional: f.params.map((p) => ip.module.vars.get(p.name) ?? p.default ?? ip.lookup(p.name, dummy)), keywords: new Map() }, dummy);
    r = ip.returns.get(fn)!;
  }
  return { scope: r.scope, returned: r.value };
}

function unravel(i: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (let a = shape.length - 1; a >= 0; a--) { out.unshift(i % shape[a]); i = Math.floor(i / shape[a]); }
  return out;
}

export function checkBackward(text: string, opts: CheckOptions = {}): CheckResult {
  const { ip, assumed } = runPython(text, opts);
  const g = ip.rt.g;
  const { scope, returned } = gradientScope(ip, opts.functionName);
  let loss: { name: string; node: NodeId };
  if (opts.functionName) {
    const local = ['loss', 'L', 'J'].map((n) => scope.vars.get(n)).find((v) => v !== undefined && isArr(v));
    const first = returned && typeof returned === 'object' && returned.kind === 'tuple' ? returned.items.find((v) => isArr(v) && g.sizeOf(ip.rt.nodeOf(v)) === 1) : isArr(returned ?? null) ? returned : undefined;
    const v = local ?? first;
    if (v && isArr(v)) loss = { name: 'loss', node: ip.rt.nodeOf(v) };
    else {
      // a backward(...) that only returns gradients: the loss is the file's (loss = forward(...)),
      // and the gradients to check are still this function's
      try {
        loss = findLoss(ip, opts.lossNames);
      } catch {
        throw new PythonError('runtime', `${opts.functionName} computes no loss (a variable loss, L or J, or a number it returns), and neither does the file around it`, ip.stmtRange);
      }
    }
  } else {
    loss = findLoss(ip, opts.lossNames);
  }
  const grads = g.backward(loss.node);
  const feeds = ancestors(g, loss.node);
  const params = new Map(ip.params.filter((p) => p.id <= loss.node && feeds[p.id]).map((p) => [p.name, p.id] as const));
  const annotations = readAnnotations(text).filter((a): a is PairAnnotation => a.kind === 'pair');
  const pairs = pairGradients(scope, [...params.keys()], annotations);
  if (!pairs.length) {
    throw new PythonError('unsupported', `no hand-written gradient found for ${[...params.keys()].join(', ') || 'any parameter'} (name it like dW for W, or annotate # gradient-lens: dW = d loss / d W)`, ip.stmtRange);
  }
  const autoGrads = new Map([...params].map(([n, id]) => [n, grads.get(id)] as const));
  const hiddenState = findHidden(g, ip.events, loss.node, feeds, grads);
  const blame = new Blame(g, ip.events, loss.node, grads, params);

  // the hand-written dL/dh_t: events named dh/dhs... whose counterpart is the hidden state
  let hidden: CheckResult['hidden'];
  if (hiddenState) {
    const handH = ip.events.filter((e) => blame.isHand(e) && blame.counterpart(e)?.name === hiddenState.name);
    const bad = blame.firstWrong(handH.map((e) => e.index));
    hidden = { name: hiddenState.name, ...(handH.length ? { gradient: handH[0].name } : {}), ...(bad !== undefined ? { firstBadStep: ip.events[bad].t } : {}) };
  }

  const checks = pairs.map((p): ParamCheck => {
    const auto = autoGrads.get(p.param)!;
    const handId = isArr(p.value) ? ip.rt.nodeOf(p.value) : g.constant(p.value as number);
    const hand = g.value(handId);
    const base = { name: p.param, gradientVariable: p.gradientVariable, hand: toNested(hand), auto: toNested(auto) };
    if (hand.data.length !== auto.data.length) {
      return { ...base, verdict: 'incorrect', relError: Infinity, message: `${p.gradientVariable} has shape (${hand.shape.join(', ')}) but ${p.param} has shape (${auto.shape.join(', ')})`, ...where(ip, p.value) };
    }
    const { err, at } = relError(hand.data, auto.data);
    if (err < PASS) return { ...base, verdict: 'correct', relError: err, message: `${p.gradientVariable} matches dL/d${p.param} (relative error ${err.toExponential(1)})` };
    const worst = { index: unravel(at, auto.shape), hand: hand.data[at], auto: auto.data[at] };
    // the earliest wrong step of this gradient's `+=` (or its last write), traced back to its cause
    const own = ip.events.filter((e) => blame.isHand(e) && e.name === p.gradientVariable).map((e) => e.index);
    const first = blame.firstWrong(own) ?? (isArr(p.value) && p.value.writer >= 0 ? p.value.writer : undefined);
    const cause = first !== undefined ? blame.root(first) : undefined;
    const at1 = cause ? { range: cause.range, line: cause.range.line + 1 } : {};
    const step = hidden?.firstBadStep;
    const message = [
      `${p.gradientVariable} does not match dL/d${p.param}: relative error ${err.toPrecision(3)} at [${worst.index.join(', ')}] (hand-written ${worst.hand.toPrecision(6)}, automatic ${worst.auto.toPrecision(6)}).`,
      ...(step !== undefined ? [`The hand-written dL/d${hidden!.name}_t first disagrees at t = ${step}.`] : []),
      ...(cause ? [`Check line ${cause.range.line + 1}.`] : []),
    ].join(' ');
    return { ...base, verdict: 'incorrect', relError: err, worst, ...at1, ...(step !== undefined ? { firstBadStep: step } : {}), message };
  });
  return {
    loss: { name: loss.name, value: g.scalar(loss.node) },
    params: checks,
    unpaired: [...params.keys()].filter((n) => !pairs.some((p) => p.param === n)),
    ...(hidden ? { hidden } : {}),
    assumed,
  };
}

function where(ip: Interpreter, v: Value): { range?: SourceRange; line?: number } {
  if (!isArr(v) || v.writer < 0) return {};
  const r = ip.events[v.writer].range;
  return { range: r, line: r.line + 1 };
}
