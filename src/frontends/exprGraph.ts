/**
 * An expression tree on the engine: one param node per free variable (so a variable used twice is
 * one node with two children, as in the lecture), one node per operation, each stamped with the
 * source range it came from.
 */
import { Graph } from '../engine/graph';
import type { NodeId, SourceRange } from '../engine/tape';
import type { Expr, Span } from './expression';
import { InputError } from './sentence';

export interface ExprGraph {
  graph: Graph;
  out: NodeId;
  /** variable name -> its param node */
  leaves: Map<string, NodeId>;
  /** the subexpression each node computes (by node id; the inner nodes of a^b have none) */
  exprs: (Expr | undefined)[];
}

/** 0-based line and column of both ends of a span of `src`. */
export function rangeOf(src: string, span: Span): SourceRange {
  const pos = (i: number): [number, number] => {
    const before = src.slice(0, i).split('\n');
    return [before.length - 1, before[before.length - 1].length];
  };
  const [line, col] = pos(span.start);
  const [endLine, endCol] = pos(span.end);
  return { line, col, endLine, endCol };
}

/**
 * Builds `expr` on a new graph. `values` gives each free variable's value; `source` (when given)
 * turns spans into ranges on the nodes.
 */
export function exprGraph(expr: Expr, values: Readonly<Record<string, number>>, opts: { reluAtZero?: number; source?: string } = {}): ExprGraph {
  const g = new Graph({ reluAtZero: opts.reluAtZero });
  const leaves = new Map<string, NodeId>();
  const exprs: (Expr | undefined)[] = [];
  const stamp = (e: Expr): void => g.setMeta(opts.source !== undefined && e.span ? { src: rangeOf(opts.source, e.span) } : {});
  const build = (e: Expr): NodeId => {
    const id = node(e);
    exprs[id] = e;
    return id;
  };
  const node = (e: Expr): NodeId => {
    if (e.kind === 'num') {
      stamp(e);
      return g.constant(e.value);
    }
    if (e.kind === 'var') {
      let id = leaves.get(e.name);
      if (id === undefined) {
        const v = values[e.name];
        if (v === undefined) throw new InputError(`No value for the variable ${e.name}`);
        stamp(e);
        id = g.param(v, e.name);
        leaves.set(e.name, id);
      }
      return id;
    }
    if (e.fn === 'pow') {
      const [base, ex] = e.args;
      const p = constantValue(ex);
      if (p !== undefined) {
        const b = build(base);
        stamp(e);
        return g.pow(b, p);
      }
      if (base.kind === 'num' && base.value === Math.E) {
        const x = build(ex);
        stamp(e);
        return g.exp(x);
      }
      // a^b = exp(b log a)
      const a = build(base), b = build(ex);
      stamp(e);
      return g.scoped('a^b', undefined, () => g.exp(g.mul(b, g.log(a))));
    }
    const xs = e.args.map(build);
    stamp(e);
    const [a, b] = xs;
    switch (e.fn) {
      case 'add': return g.add(a, b);
      case 'sub': return g.sub(a, b);
      case 'mul': return g.mul(a, b);
      case 'div': return g.div(a, b);
      case 'neg': return g.neg(a);
      case 'exp': return g.exp(a);
      case 'log': return g.log(a);
      case 'sqrt': return g.sqrt(a);
      case 'abs': return g.abs(a);
      case 'sin': return g.sin(a);
      case 'cos': return g.cos(a);
      case 'tanh': return g.tanh(a);
      case 'sigmoid': return g.sigmoid(a);
      case 'relu': return g.relu(a);
      case 'softplus': return g.softplus(a);
      case 'max': return g.maximum(a, b);
      case 'min': return g.minimum(a, b);
      // step(z) is relu'(z), so step(0) is the relu'(0) convention: [z > 0] + r (1 - [z > 0] - [z < 0])
      case 'step': return g.reluAtZero === 0 ? g.gt(a, 0) : g.scoped('step', undefined, () => {
        const up = g.gt(a, 0);
        return g.add(up, g.scale(g.sub(g.sub(g.constant(1), up), g.lt(a, 0)), g.reluAtZero));
      });
      case 'sign': return g.scoped('sign', undefined, () => g.sub(g.gt(a, 0), g.lt(a, 0)));
    }
  };
  const out = build(expr);
  g.setMeta({});
  return { graph: g, out, leaves, exprs };
}

/** The value of an expression without variables (2, -1/2, 2*3), else undefined. */
export function constantValue(e: Expr): number | undefined {
  if (e.kind === 'num') return e.value;
  if (e.kind === 'var') return undefined;
  const vs = e.args.map(constantValue);
  if (vs.some((v) => v === undefined)) return undefined;
  const [a, b] = vs as number[];
  switch (e.fn) {
    case 'neg': return -a;
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'pow': return a ** b;
    default: return undefined;
  }
}

/** The value of `expr` at `values` (forward only). */
export function evaluate(expr: Expr, values: Readonly<Record<string, number>>, reluAtZero = 0): number {
  const { graph, out } = exprGraph(expr, values, { reluAtZero });
  return graph.scalar(out);
}
