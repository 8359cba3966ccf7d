/**
 * The lecture's RNN sentence classifier on the engine: a_t = W_h h_{t-1} + W_i x_t (+ b),
 * h_t = cell(a_t), z = W_o . h_T, p = sigmoid(z), L = -log p (happy) or -log(1 - p) (sad).
 * With every field a number it is the lecture's scalar RNN; with matrices, the vector RNN.
 */
import { Graph } from '../engine/graph';
import type { NodeId } from '../engine/tape';
import type { Tensor } from '../engine/tensor';
import { SCALAR, sizeOf } from '../engine/tensor';
import type { Json } from './modelJson';
import { ModelError, asObject, field, label, oneOf, tensorField } from './modelJson';

export type Cell = 'relu' | 'tanh';

export interface RnnModel {
  cell: Cell;
  W_h: Tensor;
  W_i: Tensor;
  W_o: Tensor;
  h0: Tensor;
  b?: Tensor;
  /** x_1 .. x_T */
  x: Tensor[];
  label: 0 | 1;
}

export interface RnnNodes {
  params: { W_h: NodeId; W_i: NodeId; W_o: NodeId; h0: NodeId; b?: NodeId; x: NodeId[] };
  /** a_1 .. a_T */
  a: NodeId[];
  /** h_0 .. h_T */
  h: NodeId[];
  z: NodeId;
  p: NodeId;
  loss: NodeId;
}

/** Hidden size (1 for the scalar RNN). */
export function hiddenSize(m: RnnModel): number {
  return sizeOf(m.h0.shape);
}

export function isScalar(m: RnnModel): boolean {
  return m.h0.shape.length === 0;
}

/** Builds the forward pass on `g`, each cell's nodes tagged with scope "rnn.cell" and its time step. */
export function buildRnn(g: Graph, m: RnnModel): RnnNodes {
  const scalar = isScalar(m);
  const params = {
    W_h: g.param(m.W_h, 'W_h'),
    W_i: g.param(m.W_i, 'W_i'),
    W_o: g.param(m.W_o, 'W_o'),
    h0: g.param(m.h0, 'h0'),
    ...(m.b ? { b: g.param(m.b, 'b') } : {}),
    x: m.x.map((x, t) => g.param(x, `x_${t + 1}`)),
  };
  const times = scalar ? g.mul.bind(g) : g.matmul.bind(g);
  const a: NodeId[] = [];
  const h: NodeId[] = [params.h0];
  for (let t = 1; t <= m.x.length; t++) {
    g.scoped('rnn.cell', t, () => {
      let at = g.add(times(params.W_h, h[t - 1]), times(params.W_i, params.x[t - 1]));
      if (params.b !== undefined) at = g.add(at, params.b);
      a.push(at);
      h.push(m.cell === 'relu' ? g.relu(at) : g.tanh(at));
    });
  }
  return g.scoped('rnn.output', undefined, () => {
    const z = times(params.W_o, h[m.x.length]);
    return { params, a, h, z, p: g.sigmoid(z), loss: g.bceWithLogit(z, m.label) };
  });
}

/** Reads the CLI's JSON RNN model (see README), checking every shape against h0 and x_1. */
export function parseRnnModel(json: unknown): RnnModel {
  const m = asObject(json);
  const cell = oneOf(m, 'cell', ['relu', 'tanh'] as const);
  const h0 = tensorField(m, 'h0');
  if (h0.shape.length > 1) throw new ModelError('h0: expected a number or a vector');
  const xs = field(m, 'x');
  if (!Array.isArray(xs) || xs.length === 0) throw new ModelError('x: expected a non-empty list of inputs x_1 .. x_T');
  const x = xs.map((v, t) => tensorField({ [`x[${t}]`]: v } as Json, `x[${t}]`));
  const first = x[0].shape;
  x.forEach((xt, t) => {
    if (xt.shape.length !== first.length || sizeOf(xt.shape) !== sizeOf(first)) {
      throw new ModelError(`x[${t}]: expected the same shape as x[0]`);
    }
  });
  if (first.length > 1) throw new ModelError('x[0]: expected a number or a vector');
  if (h0.shape.length === 0 && first.length !== 0) throw new ModelError('x[0]: the scalar RNN (h0 a number) needs numbers as inputs');
  if (h0.shape.length !== 0 && first.length === 0) throw new ModelError('x[0]: the vector RNN (h0 a vector) needs vectors as inputs');
  const H = sizeOf(h0.shape), D = sizeOf(first);
  const scalar = h0.shape.length === 0;
  return {
    cell,
    W_h: tensorField(m, 'W_h', scalar ? SCALAR : [H, H]),
    W_i: tensorField(m, 'W_i', scalar ? SCALAR : [H, D]),
    W_o: tensorField(m, 'W_o', scalar ? SCALAR : [H]),
    h0,
    ...('b' in m && m.b !== undefined && m.b !== null ? { b: tensorField(m, 'b', h0.shape) } : {}),
    x,
    label: label(m),
  };
}
