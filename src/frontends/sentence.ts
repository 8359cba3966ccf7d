/**
 * A sentence as the RNN's input: words from Unicode word segmentation (punctuation dropped, emoji
 * and any script kept), and a deterministic vector per word: the same word (case-folded) always
 * gets the same vector, from an FNV-1a hash of the word seeding mulberry32.
 */
import type { Tensor } from '../engine/tensor';
import { scalar, tensor } from '../engine/tensor';
import { fnv1a, mulberry32, normal } from '../engine/random';
import type { AttentionModel, AttentionVariant } from '../models/attention';
import type { Cell, RnnModel } from '../models/rnn';

/**
 * The default seed, chosen so the lecture's "llama llama red pajama" is alive at w_h = 0.5 (every
 * a_t > 0) while "red" (x = -0.36) kills the gradient at w_h = 0.1: one sentence shows both cases.
 */
export const DEFAULT_SEED = 361;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const symbolLike = /[\p{Extended_Pictographic}\p{S}]/u;

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text.normalize('NFC'))) {
    if (s.isWordLike || symbolLike.test(s.segment)) out.push(s.segment);
  }
  return out;
}

/**
 * The word's vector: d = 1 gives a number uniform in [-1, 1] (the lecture's scalar input); larger d
 * gives N(0, 1/d) entries, so a dot product of two word vectors is about 1 in size.
 */
export function wordVector(word: string, d: number, seed = DEFAULT_SEED): Tensor {
  const rand = mulberry32(fnv1a(word.toLocaleLowerCase()) ^ seed);
  if (d === 1) return scalar(2 * rand() - 1);
  const n = normal(rand);
  return tensor([d], Array.from({ length: d }, () => n() / Math.sqrt(d)));
}

/** Bad input from the editor (code, no words, too long): its message is shown to the student as is. */
export class InputError extends Error {}

/**
 * The words of a selected sentence, repeated to `length` words (0: as written), or an InputError
 * saying what is wrong; `limitNote` says where the limit comes from.
 */
export function sentenceWordsOf(sentence: string, length: number, max: number, limitNote = ''): string[] {
  const why = codeLikeReason(sentence);
  if (why) throw new InputError(`The selection looks like code (${why}). Select a sentence such as "llama llama red pajama".`);
  const words = tokenize(sentence);
  if (words.length === 0) throw new InputError('The selection has no words. Select a sentence such as "llama llama red pajama".');
  const n = length > 0 ? length : words.length;
  if (n > max) throw new InputError(`${n} words is more than the limit of ${max}${limitNote}.`);
  return Array.from({ length: n }, (_w, i) => words[i % words.length]);
}

/** A tensor of N(0, scale^2) entries from a seeded normal source. */
function gaussian(shape: number[], scale: number, n: () => number): Tensor {
  return tensor(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * n()));
}

/** A selection that is code, not a sentence: a message saying so, or null. */
export function codeLikeReason(text: string): string | null {
  if (/^\s*(def|class|import|from|for|while|if|return)\b.*[:(]/m.test(text)) return 'it starts with a Python keyword';
  if (/[=;{}]|\w\(|\)\s*[:.]|\[\s*\w*\s*\]/.test(text)) return 'it contains code symbols such as =, ( ) or [ ]';
  if (text.split('\n').filter((l) => l.trim()).length > 1 && /\n[ \t]+\S/.test(text)) return 'it has indented lines';
  return null;
}

export interface SentenceRnnOptions {
  cell: Cell;
  /** 1 is the lecture's scalar RNN; larger is the vector RNN with that hidden size (= word vector size) */
  hidden: number;
  w_h: number;
  label: 0 | 1;
  seed?: number;
}

/** An orthogonal matrix (Gram-Schmidt on Gaussian columns) times w_h: every direction is scaled by exactly w_h. */
function scaledOrthogonal(H: number, w: number, rand: () => number): Tensor {
  const cols: number[][] = [];
  while (cols.length < H) {
    const v = Array.from({ length: H }, rand);
    for (const c of cols) {
      const d = c.reduce((s, ci, i) => s + ci * v[i], 0);
      c.forEach((ci, i) => (v[i] -= d * ci));
    }
    const len = Math.hypot(...v);
    if (len > 1e-8) cols.push(v.map((x) => x / len));
  }
  return tensor([H, H], Array.from({ length: H * H }, (_v, k) => w * cols[k % H][Math.floor(k / H)]));
}

/** The RNN model of a sentence: word vectors as inputs, and seeded weights except w_h. */
export function sentenceRnn(words: readonly string[], o: SentenceRnnOptions): RnnModel {
  const seed = o.seed ?? DEFAULT_SEED;
  const H = o.hidden;
  const x = words.map((w) => wordVector(w, H, seed));
  if (H === 1) {
    return { cell: o.cell, W_h: scalar(o.w_h), W_i: scalar(1), W_o: scalar(1), h0: scalar(0.5), x, label: o.label };
  }
  const n = normal(mulberry32(seed + 1));
  const gauss = (shape: number[], s: number) => gaussian(shape, s, n);
  return {
    cell: o.cell,
    W_h: scaledOrthogonal(H, o.w_h, n),
    W_i: gauss([H, H], 1 / Math.sqrt(H)),
    W_o: gauss([H], 1 / Math.sqrt(H)),
    h0: gauss([H], 0.5),
    x,
    label: o.label,
  };
}

export interface SentenceAttentionOptions {
  variant: AttentionVariant;
  layers: number;
  /** word vector size */
  d: number;
  label: 0 | 1;
  causal?: boolean;
  seed?: number;
}

/** The attention classifier of a sentence: one row of X per word; seeded w_o (and W_q, W_k, W_v). */
export function sentenceAttention(words: readonly string[], o: SentenceAttentionOptions): AttentionModel {
  const seed = o.seed ?? DEFAULT_SEED, d = o.d;
  const rows = words.map((w) => (d === 1 ? [wordVector(w, 1, seed).data[0]] : Array.from(wordVector(w, d, seed).data)));
  const n = normal(mulberry32(seed + 2));
  const gauss = (shape: number[], s: number) => gaussian(shape, s, n);
  const perLayer = () => Array.from({ length: o.layers }, () => gauss([d, d], 1 / Math.sqrt(d)));
  return {
    variant: o.variant,
    layers: o.layers,
    X: tensor([words.length, d], rows.flat()),
    ...(o.variant === 'qkv' ? { W_q: perLayer(), W_k: perLayer(), W_v: perLayer() } : {}),
    w_o: gauss([d], 1 / Math.sqrt(d)),
    label: o.label,
    causal: o.causal ?? false,
  };
}
