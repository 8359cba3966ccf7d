/**
 * A Python trace as the code stepper shows it, in plain JSON (it crosses the worker boundary): the
 * loss, every parameter's gradient, the values the trace assumed, the BPTT table, and the backward
 * pass one statement at a time, from the loss back, each with its source range, time step, value
 * and dL/d(what it wrote).
 */
import type { NodeId, SourceRange } from '../../engine/tape';
import { OPS } from '../../engine/ops';
import type { Graph } from '../../engine/graph';
import { norm2, sizeOf } from '../../engine/tensor';
import type { Nested } from '../../engine/tensor';
import { ancestors } from './hidden';
import { tracePython } from './trace';

export interface CodeTraceOptions {
  text: string;
  /** 1-based, inclusive: the selected lines */
  lines?: { from: number; to: number };
  /** values for variables the code does not define (they replace seeded guesses) */
  values?: Readonly<Record<string, Nested>>;
  reluAtZero?: number;
}

/** arrays with at most this many entries can be typed in the panel */
export const MAX_EDITABLE = 64;

/** A number, or an array summarised by its norm, shape and first entries. */
export interface Shown {
  shape: number[];
  /** the value of a single number */
  scalar?: number;
  norm: number;
  /** up to 8 entries, row-major */
  head: number[];
}

export interface CodeStep {
  /** what the statement wrote: "hs" (for hs[t] = ...), "h", "loss" */
  name: string;
  subscripted: boolean;
  t?: number;
  range: SourceRange;
  /** the engine op that produced the value, and its local derivative rule from the op table */
  op: string;
  rule: string;
  value: Shown;
  /** dL/d(value) */
  grad: Shown;
}

export interface CodeTrace {
  loss: { name: string; value: number };
  params: { name: string; line: number; origin: string; value: Shown; grad: Shown }[];
  /** `edit`: the value as the panel lets the student edit it, a number or nested lists (small arrays
   * only); `whole`: a size or an index, not a parameter */
  assumed: { name: string; origin: 'assignment' | 'annotation' | 'random' | 'typed'; line?: number; value: Shown; shape?: number[]; whole?: boolean; edit?: Nested }[];
  hidden?: { name: string; steps: { t: number; hNorm: number; dLdhNorm: number; log10: number }[] };
  /** the backward pass, from the loss back */
  steps: CodeStep[];
  ops: number;
}

const shown = (shape: readonly number[], data: ArrayLike<number>): Shown => ({
  shape: [...shape],
  ...(data.length === 1 ? { scalar: data[0] } : {}),
  norm: norm2(Float64Array.from(data)),
  head: Array.from(data).slice(0, 8),
});

const nestedShown = (v: Nested): Shown => {
  const flat: number[] = [];
  const shape: number[] = [];
  const walk = (x: Nested, depth: number): void => {
    if (typeof x === 'number') { flat.push(x); return; }
    if (shape.length === depth) shape.push(x.length);
    x.forEach((y) => walk(y, depth + 1));
  };
  walk(v, 0);
  return shown(shape, flat);
};

/** Nodes that depend on a parameter: only they have a gradient worth stepping through. */
function liveNodes(g: Graph, upTo: NodeId): Uint8Array {
  const live = new Uint8Array(upTo + 1);
  for (let id = 0; id <= upTo; id++) {
    const op = g.opOf(id as NodeId);
    live[id] = op === 'param' || g.inputsOf(id as NodeId).some((i) => live[i]) ? 1 : 0;
  }
  return live;
}

export function codeTrace(o: CodeTraceOptions): CodeTrace {
  const tr = tracePython(o.text, { ...(o.lines ? { lines: o.lines } : {}), reluAtZero: o.reluAtZero, ...(o.values ? { values: o.values } : {}) });
  const g = tr.graph, loss = tr.loss.node;
  const feeds = ancestors(g, loss), live = liveNodes(g, loss);
  const steps: CodeStep[] = [];
  // pre.append(a) writes the array a = ... computed: one step, at the statement that computed it
  const first = new Map<number, number>();
  for (const e of tr.events) if (!first.has(e.node)) first.set(e.node, e.index);
  for (let k = tr.events.length - 1; k >= 0; k--) {
    const e = tr.events[k];
    if (e.node > loss || !feeds[e.node] || !live[e.node] || first.get(e.node) !== e.index) continue;
    const op = g.opOf(e.node);
    steps.push({
      name: e.name, subscripted: e.subscripted, ...(e.t !== undefined ? { t: e.t } : {}), range: e.range,
      op, rule: OPS[op].latex,
      value: shown(g.shapeOf(e.node), g.value(e.node).data),
      grad: shown(g.shapeOf(e.node), tr.gradients.get(e.node).data),
    });
  }
  return {
    loss: { name: tr.loss.name, value: tr.loss.value },
    params: tr.params.map((p) => ({ name: p.name, line: p.range.line, origin: p.origin, value: nestedShown(p.value), grad: nestedShown(p.grad) })),
    assumed: tr.assumed.map((a) => {
      const value = nestedShown(a.value);
      return {
        name: a.name, origin: a.origin, ...(a.line !== undefined ? { line: a.line } : {}), value,
        ...(a.shape ? { shape: a.shape } : {}), ...(a.whole ? { whole: true } : {}),
        // any assumed value can be tried with another in the panel: numbers, and arrays small enough to type
        ...(sizeOf(value.shape) <= MAX_EDITABLE ? { edit: a.value } : {}),
      };
    }),
    ...(tr.hidden ? { hidden: { name: tr.hidden.name, steps: tr.hidden.steps.map((s) => ({ t: s.t, hNorm: s.hNorm, dLdhNorm: s.dLdhNorm, log10: s.log10dLdh })) } } : {}),
    steps,
    ops: g.size,
  };
}
