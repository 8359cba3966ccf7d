/**
 * The builder models and front ends write against: one method per op of the table, explicit
 * constants (a NodeId is a number, so a plain number cannot mean a constant), numpy broadcasting for elementwise ops (through explicit broadcastTo nodes, so the
 * tape and the stepper show it), and the composites the course needs.
 */
import type { Attrs } from './opDef';
import type { OpName } from './ops';
import { commonShape } from './shapes';
import type { NodeId } from './tape';
import { Tape } from './tape';
import type { Shape, Tensor } from './tensor';
import { sameShape, scalar } from './tensor';

export class Graph extends Tape {
  param(value: Tensor | number, name?: string): NodeId {
    return this.leaf('param', typeof value === 'number' ? scalar(value) : value, name);
  }
  constant(value: Tensor | number): NodeId {
    return this.leaf('const', typeof value === 'number' ? scalar(value) : value);
  }

  add(a: NodeId, b: NodeId): NodeId { return this.binary('add', a, b); }
  sub(a: NodeId, b: NodeId): NodeId { return this.binary('sub', a, b); }
  mul(a: NodeId, b: NodeId): NodeId { return this.binary('mul', a, b); }
  div(a: NodeId, b: NodeId): NodeId { return this.binary('div', a, b); }
  maximum(a: NodeId, b: NodeId): NodeId { return this.binary('maximum', a, b); }
  minimum(a: NodeId, b: NodeId): NodeId { return this.binary('minimum', a, b); }

  neg(x: NodeId): NodeId { return this.apply('neg', [x]); }
  exp(x: NodeId): NodeId { return this.apply('exp', [x]); }
  log(x: NodeId): NodeId { return this.apply('log', [x]); }
  sqrt(x: NodeId): NodeId { return this.apply('sqrt', [x]); }
  abs(x: NodeId): NodeId { return this.apply('abs', [x]); }
  relu(x: NodeId): NodeId { return this.apply('relu', [x]); }
  tanh(x: NodeId): NodeId { return this.apply('tanh', [x]); }
  sigmoid(x: NodeId): NodeId { return this.apply('sigmoid', [x]); }
  softplus(x: NodeId): NodeId { return this.apply('softplus', [x]); }
  pow(x: NodeId, p: number): NodeId { return this.apply('pow', [x], { p }); }
  scale(x: NodeId, p: number): NodeId { return this.apply('scale', [x], { p }); }
  gt(x: NodeId, p: number): NodeId { return this.apply('gt', [x], { p }); }
  lt(x: NodeId, p: number): NodeId { return this.apply('lt', [x], { p }); }

  matmul(a: NodeId, b: NodeId): NodeId { return this.apply('matmul', [a, b]); }
  transpose(x: NodeId): NodeId { return this.apply('transpose', [x]); }
  sum(x: NodeId, axis?: number): NodeId { return this.apply('sum', [x], axisAttrs(axis)); }
  mean(x: NodeId, axis?: number): NodeId { return this.apply('mean', [x], axisAttrs(axis)); }
  max(x: NodeId, axis?: number): NodeId { return this.apply('reduceMax', [x], axisAttrs(axis)); }
  softmax(x: NodeId): NodeId { return this.apply('softmax', [x]); }
  logSoftmax(x: NodeId): NodeId { return this.apply('logSoftmax', [x]); }
  reshape(x: NodeId, shape: Shape): NodeId { return this.apply('reshape', [x], { shape }); }
  broadcastTo(x: NodeId, shape: Shape): NodeId {
    return sameShape(this.shapeOf(x), shape) ? x : this.apply('broadcastTo', [x], { shape });
  }
  slice(x: NodeId, axis: number, start: number, end: number): NodeId { return this.apply('slice', [x], { axis, start, end }); }
  concat(xs: readonly NodeId[], axis = 0): NodeId { return this.apply('concat', xs, { axis }); }

  /** x[i] along the first axis, with that axis removed (a row of a matrix, an entry of a vector). */
  index(x: NodeId, i: number): NodeId {
    const s = this.shapeOf(x);
    const j = i < 0 ? i + s[0] : i;
    return this.reshape(this.slice(x, 0, j, j + 1), s.slice(1));
  }

  /** Stacks equal-shaped tensors along a new first axis. */
  stack(xs: readonly NodeId[]): NodeId {
    return this.concat(xs.map((x) => this.reshape(x, [1, ...this.shapeOf(x)])), 0);
  }

  dot(a: NodeId, b: NodeId): NodeId { return this.matmul(a, b); }

  /** log sigmoid(z) = -softplus(-z): finite for any z. */
  logSigmoid(z: NodeId): NodeId {
    return this.neg(this.softplus(this.neg(z)));
  }

  /**
   * Binary cross-entropy of the logit z: -log sigmoid(z) for label 1, -log(1 - sigmoid(z)) for
   * label 0, written as softplus(∓z) so a logit of 1e30 gives a finite loss and gradient.
   */
  bceWithLogit(z: NodeId, label: 0 | 1): NodeId {
    return this.softplus(label === 1 ? this.neg(z) : z);
  }

  /** Runs `build` with its nodes tagged by `scope` (and time step `t`), then restores the outer tags. */
  scoped<T>(scope: string, t: number | undefined, build: () => T): T {
    const outer = this.getMeta();
    this.setMeta({ ...outer, scope, t: t ?? outer.t });
    try {
      return build();
    } finally {
      this.setMeta(outer);
    }
  }

  private binary(op: OpName, a: NodeId, b: NodeId, attrs?: Attrs): NodeId {
    let x = a, y = b;
    const sx = this.shapeOf(x), sy = this.shapeOf(y);
    if (!sameShape(sx, sy)) {
      const s = commonShape(sx, sy, op);
      x = this.broadcastTo(x, s);
      y = this.broadcastTo(y, s);
    }
    return this.apply(op, [x, y], attrs);
  }
}

function axisAttrs(axis: number | undefined): Attrs {
  return axis === undefined ? {} : { axis };
}
