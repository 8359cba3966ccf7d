/**
 * The builder models and front ends write against: one method per op of the table, explicit
 * constants (a NodeId is a number, so a plain number cannot mean a constant), numpy broadcasting for elementwise ops (through explicit broadcastTo nodes, so the
 * tape and the stepper show it), and the composites the course needs.
 */
import type { Attrs } from './opDef';
import { NO_ATTRS } from './opDef';
import { OP_NAMES } from './ops';
import { commonShape } from './shapes';
import type { NodeId } from './tape';
import { OP_ID, Tape } from './tape';
import type { Shape, Tensor } from './tensor';
import { sameShape } from './tensor';

export class Graph extends Tape {
  param(value: Tensor | number, name?: string): NodeId {
    return this.leaf('param', value, name);
  }
  constant(value: Tensor | number): NodeId {
    return this.leaf('const', value);
  }

  add(a: NodeId, b: NodeId): NodeId { return this.binary(OP_ID.add, a, b); }
  sub(a: NodeId, b: NodeId): NodeId { return this.binary(OP_ID.sub, a, b); }
  mul(a: NodeId, b: NodeId): NodeId { return this.binary(OP_ID.mul, a, b); }
  div(a: NodeId, b: NodeId): NodeId { return this.binary(OP_ID.div, a, b); }
  maximum(a: NodeId, b: NodeId): NodeId { return this.binary(OP_ID.maximum, a, b); }
  minimum(a: NodeId, b: NodeId): NodeId { return this.binary(OP_ID.minimum, a, b); }

  neg(x: NodeId): NodeId { return this.op1(OP_ID.neg, x); }
  exp(x: NodeId): NodeId { return this.op1(OP_ID.exp, x); }
  log(x: NodeId): NodeId { return this.op1(OP_ID.log, x); }
  sqrt(x: NodeId): NodeId { return this.op1(OP_ID.sqrt, x); }
  abs(x: NodeId): NodeId { return this.op1(OP_ID.abs, x); }
  relu(x: NodeId): NodeId { return this.op1(OP_ID.relu, x); }
  tanh(x: NodeId): NodeId { return this.op1(OP_ID.tanh, x); }
  sin(x: NodeId): NodeId { return this.op1(OP_ID.sin, x); }
  cos(x: NodeId): NodeId { return this.op1(OP_ID.cos, x); }
  sigmoid(x: NodeId): NodeId { return this.op1(OP_ID.sigmoid, x); }
  softplus(x: NodeId): NodeId { return this.op1(OP_ID.softplus, x); }
  pow(x: NodeId, p: number): NodeId { return this.op1(OP_ID.pow, x, { p }); }
  scale(x: NodeId, p: number): NodeId { return this.op1(OP_ID.scale, x, { p }); }
  gt(x: NodeId, p: number): NodeId { return this.apply('gt', [x], { p }); }
  lt(x: NodeId, p: number): NodeId { return this.apply('lt', [x], { p }); }

  matmul(a: NodeId, b: NodeId): NodeId { return this.op2(OP_ID.matmul, a, b); }
  transpose(x: NodeId): NodeId { return this.op1(OP_ID.transpose, x); }
  sum(x: NodeId, axis?: number): NodeId { return this.apply('sum', [x], axisAttrs(axis)); }
  mean(x: NodeId, axis?: number): NodeId { return this.apply('mean', [x], axisAttrs(axis)); }
  max(x: NodeId, axis?: number): NodeId { return this.apply('reduceMax', [x], axisAttrs(axis)); }
  softmax(x: NodeId): NodeId { return this.op1(OP_ID.softmax, x); }
  logSoftmax(x: NodeId): NodeId { return this.op1(OP_ID.logSoftmax, x); }
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

  private binary(op: number, a: NodeId, b: NodeId): NodeId {
    const id = this.scalar2(op, a, b);
    if (id >= 0) return id as NodeId;
    const sx = this.shapeOf(a), sy = this.shapeOf(b);
    if (sameShape(sx, sy)) return this.op2Shaped(op, a, b, NO_ATTRS);
    const s = commonShape(sx, sy, OP_NAMES[op]);
    return this.op2Shaped(op, this.broadcastTo(a, s), this.broadcastTo(b, s), NO_ATTRS);
  }
}

function axisAttrs(axis: number | undefined): Attrs {
  return axis === undefined ? {} : { axis };
}
