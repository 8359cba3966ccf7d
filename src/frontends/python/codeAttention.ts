/**
 * Inspect Attention on Python/numpy code: trace the code and find every row softmax of a matrix it
 * computed (the engine's softmax op, or by hand: exp(S [- max]) / sum(exp, axis=-1)), with S, A and,
 * when the code has a loss, dL/dS and dL/dA. Plain data (Float64Arrays), so it crosses the worker.
 */
import type { Graph } from '../../engine/graph';
import type { Gradients, NodeId, SourceRange } from '../../engine/tape';
import { InputError } from '../sentence';
import type { Matrix } from '../sentenceAttention';
import type { StepEvent } from './events';
import { ancestors } from './hidden';
import { PythonError } from './pyError';
import { findLoss, runPython } from './trace';

export interface CodeAttentionOptions {
  text: string;
  /** 1-based, inclusive: the selected lines (the rest of the file runs as the prelude) */
  lines?: { from: number; to: number };
}

export interface FoundSoftmax {
  /** the variable A was assigned to (`A`, `As[…]`), or null when it was never named */
  aName: string | null;
  /** the variable S was assigned to, else its source text */
  sName: string;
  /** 1-based line of the statement that assigned A (else of the softmax expression) */
  line: number;
  /** 1-based line of the softmax expression itself (inside a helper function, say) */
  computedAt: number;
  /** the loop step, when computed in a loop */
  t?: number;
  /** when several share the label (a helper called twice): this is call k of `of` */
  call?: { k: number; of: number };
  how: 'softmax op' | 'by hand';
  S: Matrix;
  A: Matrix;
  /** present when A reaches the loss */
  dS?: Matrix;
  dA?: Matrix;
}

export interface CodeAttention {
  softmaxes: FoundSoftmax[];
  /** found beyond the MAX_SOFTMAXES shown */
  more: number;
  loss?: { name: string; value: number };
  /** why no softmax has gradients (no loss found), if so */
  noGradient?: string;
  /** softmaxes not shown, each saying why: over a vector, larger than the heatmaps draw */
  skipped: string[];
  /** variables the code used but never gave a value (seeded random numbers) */
  assumed: string[];
}

export const MAX_SOFTMAXES = 32;
const MAX_SIDE = 1024;

const strip = (g: Graph, id: NodeId): NodeId => {
  // reshape (keepdims, [:, None]) and broadcasting copy values: see through them
  while (g.opOf(id) === 'reshape' || g.opOf(id) === 'broadcastTo') id = g.inputsOf(id)[0];
  return id;
};

/** The reduced axis of a sum or max (undefined: all of them), normalised to be non-negative. */
const axisOf = (g: Graph, id: NodeId): number | undefined => {
  const a = g.node(id).attrs.axis, rank = g.shapeOf(g.inputsOf(id)[0]).length;
  return a === undefined ? undefined : a < 0 ? a + rank : a;
};

interface Match { S: NodeId; A: NodeId; how: FoundSoftmax['how'] }

/** A = S's row softmax if `id` computes one: the op, or exp(Z) / sum(exp(Z), axis=last) with Z = S or S - max(S). */
function matchSoftmax(g: Graph, id: NodeId): Match | undefined {
  const op = g.opOf(id);
  if (op === 'softmax') return { S: g.inputsOf(id)[0], A: id, how: 'softmax op' };
  if (op !== 'div') return undefined;
  const [num, den] = g.inputsOf(id).map((x) => strip(g, x));
  if (g.opOf(num) !== 'exp' || g.opOf(den) !== 'sum') return undefined;
  // the sum of the same exp, or of a second np.exp(S) of the same S
  const summed = strip(g, g.inputsOf(den)[0]), Z = g.inputsOf(num)[0];
  if (summed !== num && !(g.opOf(summed) === 'exp' && g.inputsOf(summed)[0] === Z)) return undefined;
  const rank = g.shapeOf(num).length;
  if (rank === 0 || g.shapeOf(id).length !== rank || (rank > 1 && axisOf(g, den) !== rank - 1)) return undefined;
  let S = Z;
  if (g.opOf(S) === 'sub') {
    // exp(S - max(S)): shifting a row by a constant leaves its softmax alone, so S is the logits
    const [a, b] = g.inputsOf(S), m = strip(g, b);
    if (g.opOf(m) === 'reduceMax' && g.inputsOf(m)[0] === a && (axisOf(g, m) === undefined || axisOf(g, m) === rank - 1)) S = a;
  }
  return { S, A: id, how: 'by hand' };
}

/** The largest |A - softmax(S)| over the entries, row by row: a match must compute a softmax. */
function softmaxError(S: Matrix, A: Matrix): number {
  let worst = 0;
  for (let i = 0; i < S.rows; i++) {
    const row = S.data.subarray(i * S.cols, (i + 1) * S.cols);
    const m = Math.max(...row);
    let z = 0;
    for (const v of row) z += Math.exp(v - m);
    for (let j = 0; j < S.cols; j++) worst = Math.max(worst, Math.abs(A.data[i * S.cols + j] - Math.exp(row[j] - m) / z));
  }
  return worst;
}

const matrixOf = (data: Float64Array, shape: readonly number[]): Matrix => ({ rows: shape[0], cols: shape[1], data });

/** Where a value got its name: the first statement that wrote it, followed out of the function that returned it. */
function namingEvent(events: readonly StepEvent[], id: NodeId): StepEvent | undefined {
  const mine = events.filter((e) => e.node === id);
  let k = 0;
  // `p = e / s; return p` in a helper, then `A = softmax(S)` at the call: the caller names it
  while (k + 1 < mine.length && mine[k].frame !== '<module>' && mine[k + 1].frame !== mine[k].frame) k++;
  return mine[k];
}

function sourceText(lines: readonly string[], r: SourceRange | undefined): string {
  if (!r) return 'S';
  const text = r.line === r.endLine ? lines[r.line].slice(r.col, r.endCol) : [lines[r.line].slice(r.col), ...lines.slice(r.line + 1, r.endLine), lines[r.endLine].slice(0, r.endCol)].join(' ');
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 40 ? `${t.slice(0, 39)}…` : t || 'S';
}

/**
 * Every row softmax of a matrix the graph computed from node `from` on (the selection's, not the
 * prelude's), in the order computed, with gradients when given.
 */
export function findSoftmaxes(g: Graph, events: readonly StepEvent[], text: string, grads?: { gradients: Gradients; feeds: Uint8Array }, from = 0): Omit<CodeAttention, 'loss' | 'noGradient' | 'assumed'> {
  const lines = text.split('\n');
  const softmaxes: FoundSoftmax[] = [], skipped: string[] = [];
  let more = 0;
  for (let k = from; k < g.size; k++) {
    const m = matchSoftmax(g, k as NodeId);
    if (!m) continue;
    const node = g.node(m.A), shape = g.shapeOf(m.S);
    const named = namingEvent(events, m.A), sEvent = namingEvent(events, m.S);
    const computedAt = (node.src?.line ?? 0) + 1, line = named ? named.range.line + 1 : computedAt;
    if (shape.length !== 2) {
      skipped.push(`a softmax over ${shape.length === 1 ? 'a vector' : `an array of ${shape.length} dimensions`} (${named ? `${named.name}, ` : ''}line ${line})`);
      continue;
    }
    if (shape[0] > MAX_SIDE || shape[1] > MAX_SIDE) {
      skipped.push(`a ${shape[0]} × ${shape[1]} softmax, larger than ${MAX_SIDE} × ${MAX_SIDE} (line ${line})`);
      continue;
    }
    const S = matrixOf(g.value(m.S).data, shape), A = matrixOf(node.value.data, shape);
    if (softmaxError(S, A) > 1e-9) continue; // a look-alike that is not a softmax of S
    if (softmaxes.length >= MAX_SOFTMAXES) { more++; continue; }
    const t = named?.t ?? node.t;
    const reaches = grads && grads.feeds[m.A] === 1;
    softmaxes.push({
      aName: named ? (named.subscripted ? `${named.name}[…]` : named.name) : null,
      sName: sEvent ? (sEvent.subscripted ? `${sEvent.name}[…]` : sEvent.name) : sourceText(lines, g.node(m.S).src),
      line, computedAt, ...(t !== undefined ? { t } : {}), how: m.how, S, A,
      ...(reaches ? { dS: matrixOf(grads.gradients.get(m.S).data, shape), dA: matrixOf(grads.gradients.get(m.A).data, shape) } : {}),
    });
  }
  const key = (s: FoundSoftmax) => `${s.aName}|${s.line}|${s.t}`, count = new Map<string, number>();
  for (const s of softmaxes) count.set(key(s), (count.get(key(s)) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const s of softmaxes) {
    const of = count.get(key(s))!, k = (seen.get(key(s)) ?? 0) + 1;
    seen.set(key(s), k);
    if (of > 1) s.call = { k, of };
  }
  return { softmaxes, more, skipped };
}

/**
 * Traces the code and returns its softmaxes. Throws an InputError saying why when the code is
 * outside the interpreter's subset or computes no row softmax of a matrix.
 */
export function codeAttention(o: CodeAttentionOptions): CodeAttention {
  const where = o.lines ? (o.lines.from === o.lines.to ? `line ${o.lines.from}` : `lines ${o.lines.from}–${o.lines.to}`) : 'the code';
  try {
    const { ip, assumed, selectedFrom } = runPython(o.text, o.lines ? { lines: o.lines } : {});
    const g = ip.rt.g;
    let loss: CodeAttention['loss'], noGradient: string | undefined, grads: { gradients: Gradients; feeds: Uint8Array } | undefined;
    try {
      const l = findLoss(ip);
      g.setMeta({});
      grads = { gradients: g.backward(l.node), feeds: ancestors(g, l.node) };
      loss = { name: l.name, value: g.scalar(l.node) };
    } catch (e) {
      if (!(e instanceof PythonError)) throw e;
      noGradient = e.detail;
    }
    const found = findSoftmaxes(g, ip.events, o.text, grads, selectedFrom);
    if (!found.softmaxes.length) {
      const also = found.skipped.length ? ` It found ${found.skipped.join('; ')}, which it does not show.` : '';
      throw new InputError(`No row softmax of a matrix in ${where}. Inspect Attention looks for A = softmax(S) of a 2-D S, computed as np.exp(S - S.max(axis=-1, keepdims=True)) / np.sum(..., axis=-1, keepdims=True) (or without the max), directly or in a function such as softmax(x).${also}`);
    }
    return { ...found, ...(loss ? { loss } : {}), ...(noGradient ? { noGradient } : {}), assumed: assumed.filter((a) => a.origin === 'random').map((a) => a.name) };
  } catch (e) {
    if (e instanceof PythonError) throw new InputError(`Gradient Lens cannot run ${where}: ${e.message}`);
    throw e;
  }
}
