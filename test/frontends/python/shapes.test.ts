/**
 * Shapes of free variables guessed from their use: a matrix times a vector fixes the matrix's
 * columns, what is added to an array has its shape, an indexed name is a sequence whose length is the
 * loop's, a loop's recurrence starts with the shape it computes, and the loss is one number. Code
 * that says nothing about shapes (the lecture's scalar RNN) keeps numbers.
 */
import { describe, expect, it } from 'vitest';
import { PySource, kids } from '../../../src/frontends/python/syntax';
import type { KnownValue } from '../../../src/frontends/python/shapes';
import { DEFAULT_DIM, DEFAULT_STEPS, inferShapes } from '../../../src/frontends/python/shapes';
import { MIN_CHAR_LOOP } from './minCharLoop';

const guess = (code: string, known: Record<string, KnownValue> = {}) => {
  const src = new PySource(code);
  return Object.fromEntries(inferShapes(src, kids(src.top), { known: new Map(Object.entries(known)) }));
};
const arr = (shape: number[], positive = false) => ({ kind: 'array', shape, positive });

describe('shape guesses for free variables', () => {
  it('the lecture scalar RNN stays scalar', () => {
    const g = guess('a1 = w_h * h0 + w_i * x1\nh1 = relu(a1)\nloss = -np.log(sigmoid(w_o * h1))\n');
    for (const name of ['w_h', 'h0', 'w_i', 'x1', 'w_o']) expect(g[name]).toEqual(arr([]));
  });

  it('a vector tanh RNN: W_h is H x H, W_i is H x D, xs is T x D, the output vector gives one logit', () => {
    const g = guess([
      'def sigmoid(z):',
      '    return 1 / (1 + np.exp(-z))',
      'for t in range(len(xs)):',
      '    a = W_h @ h + W_i @ xs[t] + b',
      '    h = np.tanh(a)',
      'z = w_o @ h',
      'loss = -np.log(sigmoid(z))',
    ].join('\n'));
    const H = DEFAULT_DIM, D = DEFAULT_DIM, T = DEFAULT_STEPS;
    expect(g.W_h).toEqual(arr([H, H]));
    // h is read before the loop assigns it: h_0, with the shape tanh(a) has
    expect(g.h).toEqual(arr([H]));
    expect(g.W_i).toEqual(arr([H, D]));
    expect(g.xs).toEqual(arr([T, D]));
    expect(g.b).toEqual(arr([H]));
    // lowercase w_o in w_o @ h is a vector (capitalised names are matrices): z = w_o . h, one number
    expect(g.w_o).toEqual(arr([H]));
  });

  it('min-char-rnn: column vectors, the hidden size from the line above, T and the targets as whole numbers', () => {
    const g = guess(MIN_CHAR_LOOP.join('\n'), { h: { kind: 'array', shape: [5, 1] } });
    // h = tanh(Wxh x_t + Whh h + bh) keeps h's shape (5, 1): Whh is 5 x 5, bh is (5, 1)
    expect(g.Whh).toEqual(arr([5, 5]));
    expect(g.bh).toEqual(arr([5, 1]));
    expect(g.Wxh).toEqual(arr([5, DEFAULT_DIM]));
    // xs[t] is a column (D, 1), one per step of range(T)
    expect(g.xs).toEqual(arr([DEFAULT_STEPS, DEFAULT_DIM, 1]));
    expect(g.T).toEqual({ kind: 'int', value: DEFAULT_STEPS });
    expect(g.Why).toEqual(arr([DEFAULT_DIM, 5]));
    expect(g.by).toEqual(arr([DEFAULT_DIM, 1]));
    // targets[t] indexes p's rows: whole numbers below p's length, one per step
    expect(g.targets).toEqual({ kind: 'indices', length: DEFAULT_STEPS, below: DEFAULT_DIM });
  });

  it('sizes written in the code fix dimensions; log and sqrt of a free name make it positive', () => {
    const g = guess('h = np.zeros(4)\nz = W @ h + c\nloss = np.sum(z * z) + np.log(s) + np.sqrt(r)\n');
    expect(g.W).toEqual(arr([DEFAULT_DIM, 4]));
    expect(g.c).toEqual(arr([DEFAULT_DIM]));
    expect(g.s).toEqual(arr([], true));
    expect(g.r).toEqual(arr([], true));
  });

  it('a for over a free list, a transpose, an outer product and a function of the file', () => {
    const g = guess([
      'def layer(W, x):',
      '    return np.tanh(W @ x)',
      'loss = 0.0',
      'for x in inputs:',
      '    y = layer(V, x)',
      '    G = np.outer(y, u)',
      '    loss += np.sum(G) + np.sum(M.T @ y)',
    ].join('\n'));
    expect(g.inputs).toEqual(arr([DEFAULT_STEPS, DEFAULT_DIM]));
    expect(g.V).toEqual(arr([DEFAULT_DIM, DEFAULT_DIM]));
    expect(g.u).toEqual(arr([DEFAULT_DIM]));
    // M.T @ y with y of length 3: M.T is (?, 3), so M is (3, ?)
    expect((g.M as { shape: number[] }).shape[0]).toBe(DEFAULT_DIM);
  });

  it('what the analysis cannot read stays a number instead of failing', () => {
    const g = guess('loss = mystery(q) + lambda_ * np.sum(np.array(weights) ** 2)\n');
    expect(g.q).toEqual(arr([]));
    expect(g.lambda_).toEqual(arr([]));
  });
});

describe('np.array of a literal list', () => {
  it('has the list lengths as its shape', () => {
    const g = guess('x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\nloss = np.sum(V @ x)\n');
    expect(g.V).toEqual(arr([DEFAULT_DIM, 3]));
  });
});

describe('the uses a second look found', () => {
  it('min-char-rnn: what indexes an array on the left of = is a list of whole numbers (a one-hot input)', () => {
    const g = guess([
      'xs, hs = {}, {}',
      'hs[-1] = np.copy(hprev)',
      'loss = 0',
      'for t in range(len(inputs)):',
      '    xs[t] = np.zeros((vocab_size, 1))',
      '    xs[t][inputs[t]] = 1',
      '    hs[t] = np.tanh(np.dot(Wxh, xs[t]) + np.dot(Whh, hs[t-1]) + bh)',
      '    loss += -np.sum(hs[t])',
    ].join('\n'));
    expect(g.inputs).toEqual({ kind: 'indices', length: DEFAULT_STEPS, below: DEFAULT_DIM });
    expect(g.vocab_size).toEqual({ kind: 'int', value: DEFAULT_DIM });
    expect(g.hprev).toEqual(arr([DEFAULT_DIM, 1]));
  });

  it('X @ W_q with X known makes W_q a matrix; a lowercase w in w @ h a vector', () => {
    const g = guess('Q = X @ W_q\nK = X @ W_k\nS = Q @ K.T\nloss = np.sum(S) + w @ h\n', { X: { kind: 'array', shape: [5, 4] } });
    expect((g.W_q as { shape: number[] }).shape).toEqual([4, DEFAULT_DIM]);
    expect((g.W_k as { shape: number[] }).shape).toEqual([4, DEFAULT_DIM]);
    expect(g.w).toEqual(arr([DEFAULT_DIM]));
  });

  it('a free factor of * stays a number: lam * W1 ** 2 and lam * W2 ** 2 with W1, W2 of other shapes', () => {
    const g = guess('loss = np.sum(lam * W1 ** 2) + np.sum(lam * W2 ** 2) + alpha * 2\n', { W1: { kind: 'array', shape: [4, 3] }, W2: { kind: 'array', shape: [2, 4] } });
    expect(g.lam).toEqual(arr([]));
    expect(g.alpha).toEqual(arr([]));
  });

  it('column vectors are read from the analyzed lines only, not from a round(x, 1) elsewhere', () => {
    const src = new PySource('h = np.zeros(3)\nfor t in range(len(xs)):\n    h = np.tanh(W_h @ h + W_x @ xs[t] + b)\nprint(round(h[0], 1))\n');
    const g = Object.fromEntries(inferShapes(src, kids(src.top).slice(0, 2)));
    expect(g.xs).toEqual(arr([DEFAULT_STEPS, DEFAULT_DIM]));
    expect(g.b).toEqual(arr([3]));
  });

  it('reshape(-1, 1) and x[:, None] keep the length of x', () => {
    for (const col of ['x.reshape(-1, 1)', 'x[:, None]', 'np.reshape(x, (5, 1))']) {
      const g = guess(`x = np.array([1.0, 2.0, 0.5, -1.0, 3.0])\nz = W @ ${col} + b\nloss = np.sum(np.tanh(z))\n`);
      expect((g.W as { shape: number[] }).shape, col).toEqual([DEFAULT_DIM, 5]);
    }
  });
});
