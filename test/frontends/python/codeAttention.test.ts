/**
 * Inspect Attention on code: the row softmaxes found in small attention programs, checked against
 * the same attention computed here in plain arithmetic (no engine): S = (X W_q)(X W_k)ᵀ / √d,
 * A_ij = exp(S_ij) / Σ_k exp(S_ik); for L = Σ (A V)²: dL/dA = 2 (A V) Vᵀ and
 * dL/dS_ij = A_ij (dL/dA_ij − Σ_k A_ik dL/dA_ik) (the softmax Jacobian p_i (δ_ij − p_j)).
 */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../../src/engine/graph';
import { tensor } from '../../../src/engine/tensor';
import { codeAttention, findSoftmaxes } from '../../../src/frontends/python/codeAttention';
import { ancestors } from '../../../src/frontends/python/hidden';

type M = number[][];
const matmul = (a: M, b: M): M => a.map((r) => b[0].map((_c, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));
const T = (a: M): M => a[0].map((_c, j) => a.map((r) => r[j]));
const scale = (a: M, c: number): M => a.map((r) => r.map((x) => x * c));
const softmaxRows = (s: M): M => s.map((r) => {
  const m = Math.max(...r), e = r.map((x) => Math.exp(x - m)), z = e.reduce((p, q) => p + q, 0);
  return e.map((x) => x / z);
});
/** dL/dS from dL/dA through a row softmax: A_ij (G_ij − Σ_k A_ik G_ik) */
const softmaxBack = (A: M, G: M): M => A.map((r, i) => { const dot = r.reduce((s, a, k) => s + a * G[i][k], 0); return r.map((a, j) => a * (G[i][j] - dot)); });
const lossOf = (O: M) => O.flat().reduce((s, x) => s + x * x, 0);
const py = (a: M) => `np.array([${a.map((r) => `[${r.map((x) => x.toFixed(2)).join(', ')}]`).join(', ')}])`;
/** small fixed numbers, written into the Python source as literals (two decimals) */
const fixed = (rows: number, cols: number, seed: number): M =>
  Array.from({ length: rows }, (_r, i) => Array.from({ length: cols }, (_c, j) => Number((0.8 * Math.sin(7 * i + 3 * j + seed)).toFixed(2))));

const X = fixed(3, 4, 1), Wq = fixed(4, 4, 2), Wk = fixed(4, 4, 3), Wv = fixed(4, 4, 4);
const SOFTMAX = `def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
`;
// lines 1-5: import and softmax (the return is line 5); 7-10: the values; 11-17: the forward pass
const ONE_LAYER = `import numpy as np

${SOFTMAX}
X = ${py(X)}
W_q = ${py(Wq)}
W_k = ${py(Wk)}
W_v = ${py(Wv)}
Q = X @ W_q
K = X @ W_k
V = X @ W_v
S = Q @ K.T / np.sqrt(4)
A = softmax(S)
out = A @ V
loss = np.sum(out ** 2)
`;

/** the one layer, by hand: S, A, and the gradients of L = Σ (A V)² */
function oneLayer() {
  const V = matmul(X, Wv), S = scale(matmul(matmul(X, Wq), T(matmul(X, Wk))), 1 / 2);
  const A = softmaxRows(S), O = matmul(A, V);
  const dA = matmul(scale(O, 2), T(V));
  return { S, A, dA, dS: softmaxBack(A, dA), loss: lossOf(O) };
}

describe('codeAttention', () => {
  it('finds A = softmax(S) in one scaled dot-product attention layer, with S, A, dL/dS and dL/dA', () => {
    const r = codeAttention({ text: ONE_LAYER });
    const want = oneLayer();
    expect(r.softmaxes).toHaveLength(1);
    const s = r.softmaxes[0];
    expect(s).toMatchObject({ aName: 'A', sName: 'S', line: 15, computedAt: 5, how: 'by hand' });
    expect(s.t).toBeUndefined();
    expect([s.S.rows, s.S.cols, s.A.rows, s.A.cols]).toEqual([3, 3, 3, 3]);
    expect(s.S.data).toBeAllclose(want.S.flat(), { rtol: 1e-12 });
    expect(s.A.data).toBeAllclose(want.A.flat(), { rtol: 1e-12 });
    expect(s.dA!.data).toBeAllclose(want.dA.flat(), { rtol: 1e-12, floor: 1e-14 });
    expect(s.dS!.data).toBeAllclose(want.dS.flat(), { rtol: 1e-9, floor: 1e-13 });
    expect(r.loss).toEqual({ name: 'loss', value: expect.closeTo(want.loss, 12) as number });
    expect(r.noGradient).toBeUndefined();
    expect(r.skipped).toEqual([]);
  });

  it('traces only the selected lines, with the values assigned above them', () => {
    const r = codeAttention({ text: ONE_LAYER, lines: { from: 11, to: 17 } });
    expect(r.softmaxes[0]).toMatchObject({ aName: 'A', line: 15 });
    expect(r.softmaxes[0].A.data).toBeAllclose(oneLayer().A.flat(), { rtol: 1e-12 });
    // just the softmax line: S comes from above, there is no loss, so values only
    const only = codeAttention({ text: ONE_LAYER, lines: { from: 15, to: 15 } });
    expect(only.softmaxes[0].S.data).toBeAllclose(oneLayer().S.flat(), { rtol: 1e-12 });
    expect(only.softmaxes[0].dS).toBeUndefined();
    expect(only.noGradient).toMatch(/no loss found/);
  });

  it('finds both layers of a two-layer model in order; dL/dS of layer 1 matches finite differences', () => {
    const [Wq2, Wk2, Wv2] = [fixed(4, 4, 5), fixed(4, 4, 6), fixed(4, 4, 7)];
    const text = `import numpy as np

${SOFTMAX}
def layer(X, W_q, W_k, W_v):
    S = (X @ W_q) @ (X @ W_k).T / np.sqrt(4)
    A = softmax(S)
    return A @ (X @ W_v)

X = ${py(X)}
H1 = layer(X, ${py(Wq)}, ${py(Wk)}, ${py(Wv)})
H2 = layer(H1, ${py(Wq2)}, ${py(Wk2)}, ${py(Wv2)})
loss = np.sum(H2 ** 2)
`;
    // by hand: H1 = softmax(S1) X W_v1, S2 = (H1 W_q2)(H1 W_k2)ᵀ / 2, L = Σ (softmax(S2) H1 W_v2)²
    const S1 = scale(matmul(matmul(X, Wq), T(matmul(X, Wk))), 0.5);
    const fromS1 = (s1: M) => {
      const H1 = matmul(softmaxRows(s1), matmul(X, Wv));
      const S2 = scale(matmul(matmul(H1, Wq2), T(matmul(H1, Wk2))), 0.5);
      return { H1, S2, A2: softmaxRows(S2), L: lossOf(matmul(softmaxRows(S2), matmul(H1, Wv2))) };
    };
    const r = codeAttention({ text });
    expect(r.softmaxes.map((s) => [s.aName, s.sName, s.line, s.computedAt])).toEqual([['A', 'S', 9, 5], ['A', 'S', 9, 5]]);
    const [l1, l2] = r.softmaxes;
    expect([l1.call, l2.call]).toEqual([{ k: 1, of: 2 }, { k: 2, of: 2 }]);
    expect(l1.S.data).toBeAllclose(S1.flat(), { rtol: 1e-12 });
    expect(l2.S.data).toBeAllclose(fromS1(S1).S2.flat(), { rtol: 1e-12 });
    expect(l2.A.data).toBeAllclose(fromS1(S1).A2.flat(), { rtol: 1e-12 });
    // dL/dS1 by central differences of the hand-written forward pass (h = 1e-6: error ~1e-10)
    const h = 1e-6, fd = S1.map((r, i) => r.map((_x, j) => {
      const up = S1.map((q) => [...q]), down = S1.map((q) => [...q]);
      up[i][j] += h;
      down[i][j] -= h;
      return (fromS1(up).L - fromS1(down).L) / (2 * h);
    }));
    expect(l1.dS!.data).toBeAllclose(fd.flat(), { rtol: 1e-6, atol: 1e-8 });
    // and layer 2 by the softmax rule from its own dL/dA
    expect(l2.dS!.data).toBeAllclose(softmaxBack(fromS1(S1).A2, [0, 1, 2].map((i) => Array.from(l2.dA!.data.slice(3 * i, 3 * i + 3)))).flat(), { rtol: 1e-9, floor: 1e-13 });
  });

  it('finds a softmax written inline without the max, in a loop (one per time step), and a rectangular one; values only without a loss', () => {
    const text = `import numpy as np
X = ${py(X)}
P = np.exp(X) / np.sum(np.exp(X), axis=-1, keepdims=True)
for t in range(2):
    S = X @ X.T * (t + 1)
    A = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    X = A @ X
`;
    const r = codeAttention({ text });
    expect(r.softmaxes.map((s) => [s.aName, s.sName, s.line, s.t ?? null, s.S.rows, s.S.cols])).toEqual([['P', 'X', 3, null, 3, 4], ['A', 'S', 6, 0, 3, 3], ['A', 'S', 6, 1, 3, 3]]);
    expect(r.softmaxes[0].A.data).toBeAllclose(softmaxRows(X).flat(), { rtol: 1e-12 });
    // X_0 = X; S_t = X_t X_tᵀ (t + 1); X_{t+1} = softmax(S_t) X_t
    let Xt = X;
    for (const t of [0, 1]) {
      const S = scale(matmul(Xt, T(Xt)), t + 1), A = softmaxRows(S);
      expect(r.softmaxes[1 + t].S.data).toBeAllclose(S.flat(), { rtol: 1e-12 });
      expect(r.softmaxes[1 + t].A.data).toBeAllclose(A.flat(), { rtol: 1e-12 });
      Xt = matmul(A, Xt);
    }
    expect(r.softmaxes.every((s) => s.dS === undefined && s.dA === undefined)).toBe(true);
    expect(r.noGradient).toMatch(/no loss found/);
  });

  it('reads the engine\'s softmax op too: S = its input, with dL/dS from the op\'s rule', () => {
    const g = new Graph();
    const S0 = [[0.5, -1, 2], [0, 0.25, -0.5]];
    const s = g.param(tensor([2, 3], S0.flat()));
    const a = g.softmax(s);
    const loss = g.sum(g.mul(a, a)); // L = Σ A²: dL/dA = 2A
    const found = findSoftmaxes(g, [], '', { gradients: g.backward(loss), feeds: ancestors(g, loss) });
    const A = softmaxRows(S0);
    expect(found.softmaxes).toHaveLength(1);
    expect(found.softmaxes[0]).toMatchObject({ aName: null, sName: 'S', how: 'softmax op' });
    expect(found.softmaxes[0].A.data).toBeAllclose(A.flat(), { rtol: 1e-12 });
    expect(found.softmaxes[0].dS!.data).toBeAllclose(softmaxBack(A, scale(A, 2)).flat(), { rtol: 1e-9, floor: 1e-14 });
  });

  it('says why when there is no softmax of a matrix, or the code is outside the subset', () => {
    expect(() => codeAttention({ text: 'import numpy as np\nx = np.array([1.0, 2.0])\np = np.exp(x) / np.sum(np.exp(x))\n' }))
      .toThrow(/^No row softmax of a matrix in the code\..* It found a softmax over a vector \(p, line 3\), which it does not show\.$/);
    expect(() => codeAttention({ text: 'import numpy as np\nS = np.array([[1.0, 2.0], [0.5, 0.0]])\nA = np.exp(S) / 3.0\n' })).toThrow(/^No row softmax/);
    // a column sum is not a row softmax
    expect(() => codeAttention({ text: 'import numpy as np\nS = np.array([[1.0, 2.0], [0.5, 0.0]])\nA = np.exp(S) / np.exp(S).sum(axis=0, keepdims=True)\n' })).toThrow(/^No row softmax/);
    expect(() => codeAttention({ text: 'import os\n' })).toThrow('Gradient Lens cannot run the code: line 1: importing os is not supported');
    expect(() => codeAttention({ text: ONE_LAYER, lines: { from: 16, to: 17 } })).toThrow(/^No row softmax of a matrix in lines 16–17\./);
  });
});
