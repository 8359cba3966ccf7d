/**
 * The lecture's attention classifier on the engine, K layers of: S = similarity of every pair of
 * rows, A = row softmax(S), X <- A X (or A X W_v), then z = w_o . (last row of X). Three
 * variants: parameter-free (S = X X^T), scaled (/ sqrt d) and learned (X W_q)(X W_k)^T / sqrt d.
 */
import type { Graph } from '../engine/graph';
import type { NodeId } from '../engine/tape';
import type { Tensor } from '../engine/tensor';
import { tensor } from '../engine/tensor';
import { ModelError, asObject, field, label, oneOf, positiveInt, tensorField } from './modelJson';

export type AttentionVariant = 'free' | 'scaled' | 'qkv';

export interface AttentionModel {
  variant: AttentionVariant;
  layers: number;
  /** n x d: one row per token */
  X: Tensor;
  /** qkv only: K matrices of d x d each */
  W_q?: Tensor[];
  W_k?: Tensor[];
  W_v?: Tensor[];
  w_o: Tensor;
  label: 0 | 1;
  causal?: boolean;
  /** softmax temperature τ: A = softmax(S / τ); 1 (the lecture's) by default */
  temperature?: number;
}

export interface AttentionLayerNodes {
  S: NodeId;
  A: NodeId;
  out: NodeId;
}

export interface AttentionNodes {
  params: { X: NodeId; w_o: NodeId; W_q?: NodeId[]; W_k?: NodeId[]; W_v?: NodeId[] };
  layers: AttentionLayerNodes[];
  z: NodeId;
  p: NodeId;
  loss: NodeId;
}

export const MAX_LAYERS = 16;

/** -∞ above the diagonal: row i may only attend to tokens j <= i. */
function causalMask(n: number): Tensor {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i * n + j] = -Infinity;
  return tensor([n, n], m);
}

export function buildAttention(g: Graph, m: AttentionModel): AttentionNodes {
  const [n, d] = m.X.shape;
  const X = g.param(m.X, 'X');
  const w_o = g.param(m.w_o, 'w_o');
  const perLayer = (name: string, ws?: Tensor[]) => ws?.map((w, l) => g.param(w, `${name}[${l}]`));
  const W_q = perLayer('W_q', m.W_q), W_k = perLayer('W_k', m.W_k), W_v = perLayer('W_v', m.W_v);
  const mask = m.causal ? g.constant(causalMask(n)) : undefined;
  const layers: AttentionLayerNodes[] = [];
  let cur = X;
  for (let l = 0; l < m.layers; l++) {
    layers.push(
      g.scoped(`attention.layer${l + 1}`, undefined, () => {
        let S: NodeId;
        let values = cur;
        if (m.variant === 'qkv') {
          const Q = g.matmul(cur, W_q![l]), K = g.matmul(cur, W_k![l]);
          S = g.scale(g.matmul(Q, g.transpose(K)), 1 / Math.sqrt(d));
          values = g.matmul(cur, W_v![l]);
        } else {
          S = g.matmul(cur, g.transpose(cur));
          if (m.variant === 'scaled') S = g.scale(S, 1 / Math.sqrt(d));
        }
        // S is the similarity the lecture draws; the logits add the temperature and the mask
        let logits = S;
        if (m.temperature !== undefined && m.temperature !== 1) logits = g.scale(logits, 1 / m.temperature);
        if (mask !== undefined) logits = g.add(logits, mask);
        const A = g.softmax(logits);
        return { S, A, out: g.matmul(A, values) };
      }),
    );
    cur = layers[l].out;
  }
  return g.scoped('attention.output', undefined, () => {
    const z = g.dot(w_o, g.index(cur, -1));
    return {
      params: { X, w_o, ...(W_q ? { W_q, W_k, W_v } : {}) },
      layers,
      z,
      p: g.sigmoid(z),
      loss: g.bceWithLogit(z, m.label),
    };
  });
}

/** Reads the CLI's JSON attention model (see README). */
export function parseAttentionModel(json: unknown): AttentionModel {
  const m = asObject(json);
  const variant = oneOf(m, 'variant', ['free', 'scaled', 'qkv'] as const);
  const layers = positiveInt(m, 'layers', MAX_LAYERS, 1);
  const X = tensorField(m, 'X');
  if (X.shape.length !== 2) throw new ModelError('X: expected a matrix with one row per token');
  const [, d] = X.shape;
  const causal = 'causal' in m ? m.causal : false;
  if (typeof causal !== 'boolean') throw new ModelError(`causal: expected true or false, got ${JSON.stringify(causal)}`);
  const perLayer = (name: string): Tensor[] => {
    const list = field(m, name);
    if (!Array.isArray(list) || list.length !== layers) throw new ModelError(`${name}: expected a list of ${layers} matrices (one per layer)`);
    return list.map((w, l) => tensorField({ [`${name}[${l}]`]: w }, `${name}[${l}]`, [d, d]));
  };
  return {
    variant,
    layers,
    X,
    ...(variant === 'qkv' ? { W_q: perLayer('W_q'), W_k: perLayer('W_k'), W_v: perLayer('W_v') } : {}),
    w_o: tensorField(m, 'w_o', [d]),
    label: label(m),
    causal,
  };
}
