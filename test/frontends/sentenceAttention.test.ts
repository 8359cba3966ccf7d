/**
 * The attention pipeline states the lecture's definitions: rows of A are softmaxes summing to 1,
 * identical words give identical rows (parameter-free), the temperature moves a row from uniform
 * to one-hot, the causal mask zeroes the future, and edited vectors are used.
 */
import { describe, expect, it } from 'vitest';
import type { AttentionOptions, Matrix } from '../../src/frontends/sentenceAttention';
import { attentionTrace, attentionWords } from '../../src/frontends/sentenceAttention';

const base: AttentionOptions = { sentence: 'llama llama red pajama', variant: 'free', layers: 3, d: 4, causal: false, temperature: 1, label: 'happy', length: 0 };
const row = (M: Matrix, i: number) => Array.from(M.data.slice(i * M.cols, (i + 1) * M.cols));

describe('attention trace', () => {
  it('has rows that sum to 1 in every layer, and S = X X^T in the first', () => {
    const tr = attentionTrace(base);
    for (const L of tr.layers) for (let i = 0; i < 4; i++) expect(row(L.A, i).reduce((s, v) => s + v, 0)).toBeAllclose(1, { rtol: 1e-14 });
    const x = (i: number) => row(tr.X, i);
    expect(tr.layers[0].S.data[1 * 4 + 2]).toBeAllclose(x(1).reduce((s, v, k) => s + v * x(2)[k], 0), { rtol: 1e-14 });
    // A_ij = exp(S_ij) / sum_k exp(S_ik)
    const s0 = row(tr.layers[0].S, 0), z = s0.reduce((s, v) => s + Math.exp(v), 0);
    expect(row(tr.layers[0].A, 0)).toBeAllclose(s0.map((v) => Math.exp(v) / z), { rtol: 1e-14 });
  });

  it('gives the repeated word identical rows in every layer of the parameter-free variant', () => {
    const tr = attentionTrace(base);
    for (const L of tr.layers) expect(row(L.A, 0)).toEqual(row(L.A, 1));
  });

  it('moves a row from uniform to one-hot as the temperature falls', () => {
    const hot = attentionTrace({ ...base, layers: 1, temperature: 100 }), cold = attentionTrace({ ...base, layers: 1, temperature: 0.01 });
    expect(row(hot.layers[0].A, 3)).toBeAllclose([0.25, 0.25, 0.25, 0.25], { rtol: 0.02 });
    expect(Math.max(...row(cold.layers[0].A, 3))).toBeAllclose(1, { rtol: 1e-6 });
  });

  it('masks the future with the causal option', () => {
    const tr = attentionTrace({ ...base, causal: true, layers: 1 });
    expect(row(tr.layers[0].A, 0)).toEqual([1, 0, 0, 0]);
    expect(row(tr.layers[0].A, 1).slice(2)).toEqual([0, 0]);
  });

  it('uses edited word vectors for every occurrence of the word', () => {
    const tr = attentionTrace({ ...base, layers: 1, vectors: { llama: [1, 0, 0, 0] } });
    expect(row(tr.X, 0)).toEqual([1, 0, 0, 0]);
    expect(row(tr.X, 1)).toEqual([1, 0, 0, 0]);
  });

  it('uses edited learned weights of the qkv variant for their layer', () => {
    const qkv: AttentionOptions = { ...base, variant: 'qkv', layers: 2, d: 2 };
    const identity = [1, 0, 0, 1];
    const tr = attentionTrace({ ...qkv, weights: { 'W_q[2]': identity, 'W_k[2]': identity, 'W_v[2]': identity } });
    expect(Array.from(tr.W!.q[1].data)).toEqual(identity);
    // with identity weights, layer 2 is the scaled variant on layer 1's output: S = Y Yᵀ / √2
    const Y = tr.layers[0].out, S = tr.layers[1].S;
    expect(S.data[1]).toBeAllclose((Y.data[0] * Y.data[2] + Y.data[1] * Y.data[3]) / Math.SQRT2, { rtol: 1e-14 });
    // an edit of the wrong size is ignored rather than half-applied
    expect(Array.from(attentionTrace({ ...qkv, weights: { 'W_q[1]': [1, 2, 3] } }).W!.q[0].data)).toEqual(Array.from(attentionTrace(qkv).W!.q[0].data));
  });

  it('compares |dL/dx_1| through attention and the RNN for n = 4 .. 256', () => {
    const tr = attentionTrace({ ...base, layers: 1 }, { cell: 'tanh', w_h: 0.5 });
    const lr = tr.longRange!;
    expect(lr.n).toEqual([4, 8, 16, 32, 64, 128, 256]);
    // the RNN's path to x_1 has n factors of about w_h = 0.5 or less; attention's has one step
    expect(lr.rnn[6] - lr.rnn[0]).toBeLessThan(-50);
    expect(lr.attention[6] - lr.attention[0]).toBeGreaterThan(-5);
  });

  it('refuses code and empty selections with a message', () => {
    expect(() => attentionWords({ ...base, sentence: 'A = softmax(S)' })).toThrow('The selection looks like code');
    expect(() => attentionWords({ ...base, sentence: '...' })).toThrow('has no words');
    expect(() => attentionWords({ ...base, length: 2000 })).toThrow("limit of 1024");
  });
});
