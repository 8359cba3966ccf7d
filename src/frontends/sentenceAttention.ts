/**
 * The one pipeline from a sentence and the attention panel's options to an attention trace: the
 * word vectors X, and for every layer the similarities S, the attention A = row softmax(S / τ)
 * and the new vectors; the classifier's loss and dL/dX; and the long-range comparison of
 * |dL/dx_1| through attention and through the lecture's RNN as the sentence grows.
 */
import { Graph } from '../engine/graph';
import type { NodeId } from '../engine/tape';
import { tensor } from '../engine/tensor';
import type { AttentionVariant } from '../models/attention';
import { buildAttention } from '../models/attention';
import { buildRnn } from '../models/rnn';
import { sentenceAttention, sentenceRnn, sentenceWordsOf, tokenize } from './sentence';

export interface AttentionOptions {
  sentence: string;
  variant: AttentionVariant;
  /** K, the number of layers */
  layers: number;
  /** word vector size, 1 (the lecture's scalars) to 64 */
  d: number;
  causal: boolean;
  temperature: number;
  label: 'happy' | 'sad';
  seed?: number;
  /** edited word vectors by word (case-folded), overriding the hashed ones */
  vectors?: Record<string, number[]>;
  /** edited learned weights (qkv), by name "W_q[l]" (l = 1..K), as d x d row-major values */
  weights?: Record<string, number[]>;
  /** tokens: the sentence repeated to this many (0 = as written) */
  length: number;
}

/**
 * A matrix as plain data (row-major). A Float64Array: structured clone (worker threads, the page)
 * copies it as one block, and VS Code (1.57+) transfers typed arrays to webviews efficiently.
 */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export interface AttentionLayerTrace {
  S: Matrix;
  A: Matrix;
  out: Matrix;
}

export interface LongRange {
  n: number[];
  /** log10 |dL/dx_1| through the attention classifier and through the lecture's RNN */
  attention: number[];
  rnn: number[];
}

export interface AttentionTrace {
  words: string[];
  X: Matrix;
  W?: { q: Matrix[]; k: Matrix[]; v: Matrix[] };
  layers: AttentionLayerTrace[];
  loss: number;
  p: number;
  z: number;
  gradX: Matrix;
  longRange?: LongRange;
}

export const MAX_ATTENTION_TOKENS = 1024;
export const LONG_RANGE_N = [4, 8, 16, 32, 64, 128, 256] as const;

/** What a new attention panel starts with: the lecture's parameter-free attention, one layer, d = 4. */
export function defaultAttentionOptions(sentence: string): AttentionOptions {
  return { sentence, variant: 'free', layers: 1, d: 4, causal: false, temperature: 1, label: 'happy', length: 0 };
}

export function attentionWords(o: AttentionOptions): string[] {
  return sentenceWordsOf(o.sentence, o.length, MAX_ATTENTION_TOKENS, ' (the attention panel\'s)');
}

function model(words: readonly string[], o: AttentionOptions) {
  const m = sentenceAttention(words, { variant: o.variant, layers: o.layers, d: o.d, label: o.label === 'happy' ? 1 : 0, causal: o.causal, ...(o.seed !== undefined ? { seed: o.seed } : {}) });
  m.temperature = o.temperature;
  if (o.vectors) {
    const X = m.X.data.slice();
    words.forEach((w, i) => {
      const v = o.vectors![w.toLocaleLowerCase()];
      if (v && v.length === o.d && v.every(Number.isFinite)) X.set(v, i * o.d);
    });
    m.X = tensor(m.X.shape, X);
  }
  for (const [key, values] of Object.entries(o.weights ?? {})) {
    const hit = /^W_([qkv])\[(\d+)\]$/.exec(key);
    const list = hit && (hit[1] === 'q' ? m.W_q : hit[1] === 'k' ? m.W_k : m.W_v);
    const l = hit ? Number(hit[2]) - 1 : -1;
    if (list && l >= 0 && l < list.length && values.length === o.d * o.d && values.every(Number.isFinite)) list[l] = tensor([o.d, o.d], values);
  }
  return m;
}

const matrix = (g: Graph, id: NodeId): Matrix => {
  const s = g.shapeOf(id);
  return { rows: s[0], cols: s.length > 1 ? s[1] : 1, data: g.value(id).data };
};

const log10Norm = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.log10(Math.sqrt(s));
};

/** log10 |dL/dx_1| through attention and through the lecture's RNN (w_h, cell) for growing n. */
export function longRange(base: readonly string[], o: AttentionOptions, rnn: { cell: 'relu' | 'tanh'; w_h: number }): LongRange {
  const out: LongRange = { n: [], attention: [], rnn: [] };
  for (const n of LONG_RANGE_N) {
    const words = Array.from({ length: n }, (_w, i) => base[i % base.length]);
    const g = new Graph();
    const a = buildAttention(g, model(words, o));
    out.attention.push(log10Norm(g.backward(a.loss).get(a.params.X).data.subarray(0, o.d)));
    const r = new Graph();
    const rn = buildRnn(r, sentenceRnn(words, { cell: rnn.cell, hidden: o.d, w_h: rnn.w_h, label: o.label === 'happy' ? 1 : 0, ...(o.seed !== undefined ? { seed: o.seed } : {}) }));
    out.rnn.push(log10Norm(r.backward(rn.loss).get(rn.params.x[0]).data));
    out.n.push(n);
  }
  return out;
}

export function attentionTrace(o: AttentionOptions, rnn?: { cell: 'relu' | 'tanh'; w_h: number }): AttentionTrace {
  const words = attentionWords(o);
  const m = model(words, o);
  const g = new Graph();
  const n = buildAttention(g, m);
  const grads = g.backward(n.loss);
  const gx = grads.get(n.params.X);
  const asMatrix = (t: { shape: readonly number[]; data: Float64Array }): Matrix => ({ rows: t.shape[0], cols: t.shape[1], data: t.data.slice() });
  return {
    words,
    X: asMatrix(m.X),
    ...(m.W_q ? { W: { q: m.W_q.map(asMatrix), k: m.W_k!.map(asMatrix), v: m.W_v!.map(asMatrix) } } : {}),
    layers: n.layers.map((l) => ({ S: matrix(g, l.S), A: matrix(g, l.A), out: matrix(g, l.out) })),
    loss: g.scalar(n.loss),
    p: g.scalar(n.p),
    z: g.scalar(n.z),
    gradX: asMatrix(gx),
    ...(rnn ? { longRange: longRange(tokenize(o.sentence), o, rnn) } : {}),
  };
}
