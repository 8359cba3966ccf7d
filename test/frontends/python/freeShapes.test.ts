/**
 * A selected forward pass that reads weights it does not define runs on seeded arrays of the shape
 * its use implies, lists them with their shapes, and its gradients are the true ones: each entry of
 * dL/dW equals the central difference (L(W + eps e_ij) - L(W - eps e_ij)) / (2 eps) (relative error
 * under 1e-6, or 1e-9 absolute for tiny entries), computed by
 * tracing again with the perturbed array typed in as the panel would send it.
 */
import { describe, expect, it } from 'vitest';
import type { Nested } from '../../../src/engine/tensor';
import { tracePython } from '../../../src/frontends/python/trace';
import { MIN_CHAR_LOOP } from './minCharLoop';

const RNN = [
  'import numpy as np',                    // 1
  'def sigmoid(z):',                       // 2
  '    return 1 / (1 + np.exp(-z))',       // 3
  '',                                      // 4
  'for t in range(len(xs)):',              // 5
  '    a = W_h @ h + W_i @ xs[t] + b',     // 6
  '    h = np.tanh(a)',                    // 7
  'z = w_o @ h',                           // 8
  'loss = -np.log(sigmoid(z))',            // 9
].join('\n');
const lines = { from: 5, to: 9 };

const flat = (v: Nested): number[] => (typeof v === 'number' ? [v] : v.flatMap(flat));
/** v with entry k (row-major) moved by d */
const bump = (v: Nested, k: number, d: number): Nested => {
  let i = 0;
  const walk = (x: Nested): Nested => (typeof x === 'number' ? (i++ === k ? x + d : x) : x.map(walk));
  return walk(v);
};

describe('free variables of a selection get arrays of the shape their use implies', () => {
  const tr = tracePython(RNN, { lines });
  const shapes = Object.fromEntries(tr.params.map((p) => [p.name, tr.graph.shapeOf(p.id)]));

  it('W_h is H x H, W_i H x D, xs T x D, b, h_0 and w_o of length H, all listed with their shapes', () => {
    expect(shapes).toEqual({ xs: [4, 3], W_h: [3, 3], h: [3], W_i: [3, 3], b: [3], w_o: [3] });
    expect(tr.assumed.map((a) => [a.name, a.origin, a.shape])).toEqual([
      ['xs', 'random', [4, 3]], ['W_h', 'random', [3, 3]], ['h', 'random', [3]], ['W_i', 'random', [3, 3]], ['b', 'random', [3]], ['w_o', 'random', [3]],
    ]);
    // every time step of the loop is one BPTT step through h
    expect(tr.hidden?.steps.map((s) => s.t)).toEqual([0, 1, 2, 3]);
  });

  it('the same seed gives the same arrays', () => {
    const again = tracePython(RNN, { lines });
    expect(again.assumed.map((a) => a.value)).toEqual(tr.assumed.map((a) => a.value));
    expect(tracePython(RNN, { lines, seed: 7 }).assumed[0].value).not.toEqual(tr.assumed[0].value);
  });

  it('each gradient entry matches a central difference of the loss', () => {
    // eps = 1e-5: truncation ~eps^2 and round-off ~1e-16 / eps are both below 1e-9 in absolute terms,
    // which is the floor for entries as small as dL/dh_0's (~1e-5)
    const eps = 1e-5;
    const values: Record<string, Nested> = Object.fromEntries(tr.params.map((p) => [p.name, p.value]));
    for (const p of tr.params) {
      const g = flat(p.grad);
      for (let k = 0; k < g.length; k++) {
        const up = tracePython(RNN, { lines, values: { ...values, [p.name]: bump(p.value, k, eps) } }).loss.value;
        const down = tracePython(RNN, { lines, values: { ...values, [p.name]: bump(p.value, k, -eps) } }).loss.value;
        const numeric = (up - down) / (2 * eps);
        expect(Math.abs(g[k] - numeric), `${p.name}[${k}]`).toBeLessThan(1e-6 * (Math.abs(g[k]) + Math.abs(numeric)) + 1e-9);
      }
    }
  });

  it('a typed array replaces the guess; a ragged one is refused naming the variable', () => {
    const t = tracePython(RNN, { lines, values: { b: [1, 2, 3] } });
    expect(t.params.find((p) => p.name === 'b')!.value).toEqual([1, 2, 3]);
    expect(t.assumed.find((a) => a.name === 'b')).toMatchObject({ origin: 'typed', value: [1, 2, 3] });
    expect(() => tracePython(RNN, { lines, values: { W_h: [[1, 2, 3], [4, 5]] } })).toThrow(/line 6: the value typed for W_h\[1\]: expected an array of length 3/);
  });
});

describe('a free variable read above the selection', () => {
  it('does not stop the selection\'s own free variables from getting their shapes', () => {
    // line 2 reads k, which nothing defines, while the lines above the selection run
    const code = 'import numpy as np\nc = k * 2.0\nfor t in range(len(xs)):\n    h = np.tanh(W @ xs[t])\nloss = np.sum(h) * c\n';
    const tr = tracePython(code, { lines: { from: 3, to: 5 } });
    const shape = (n: string) => tr.graph.shapeOf(tr.params.find((p) => p.name === n)!.id);
    expect([shape('W'), shape('xs')]).toEqual([[3, 3], [4, 3]]);
  });
});

describe('values the student types and sizes too large', () => {
  const SIZED = 'import numpy as np\nh = np.zeros(H)\nfor t in range(T):\n    h = np.tanh(W_h @ h + W_x @ xs[t] + b)\nloss = np.sum(h ** 2)\n';

  it('a typed size sizes what the code sizes with it', () => {
    const tr = tracePython(SIZED, { values: { H: 5, T: 6 } });
    const shape = (n: string) => tr.graph.shapeOf(tr.params.find((p) => p.name === n)!.id);
    expect([shape('W_h'), shape('xs')]).toEqual([[5, 5], [6, 3]]);
    expect(tr.hidden?.steps.length).toBe(6);
  });

  it('a guessed array over the memory limit stops with the limit, before it is allocated', () => {
    expect(() => tracePython(SIZED, { values: { H: 100_000 } })).toThrow(/an array of shape \[100000, 100000\] exceeds the 256 MB limit/);
  });
});

describe('sizes and indices are whole numbers, not parameters', () => {
  const MIN = ['import numpy as np', 'h = np.zeros((5, 1))', ...MIN_CHAR_LOOP].join('\n');

  it('T is the number of steps and targets a list of row indices of p', () => {
    const tr = tracePython(MIN, { lines: { from: 3, to: 8 } });
    const T = tr.assumed.find((a) => a.name === 'T')!, targets = tr.assumed.find((a) => a.name === 'targets')!;
    expect(T).toMatchObject({ origin: 'random', value: 4, whole: true });
    expect(targets.whole).toBe(true);
    expect((targets.value as number[]).length).toBe(4);
    expect((targets.value as number[]).every((i) => Number.isInteger(i) && i >= 0 && i < 3)).toBe(true);
    expect(tr.params.map((p) => p.name)).not.toContain('T');
    // Whh is 5 x 5 because h is (5, 1) from the line above; xs[t] is a column
    const shape = (n: string) => tr.graph.shapeOf(tr.params.find((p) => p.name === n)!.id);
    expect([shape('Whh'), shape('Wxh'), shape('xs'), shape('Why')]).toEqual([[5, 5], [5, 3], [4, 3, 1], [3, 5]]);
    expect(tr.hidden?.steps.length).toBe(4);
  });

  it('a typed T of 2 runs two steps and stays a whole number', () => {
    const tr = tracePython(MIN, { lines: { from: 3, to: 8 }, values: { T: 2 } });
    expect(tr.hidden?.steps.length).toBe(2);
    expect(tr.assumed.find((a) => a.name === 'T')).toMatchObject({ origin: 'typed', value: 2, whole: true });
    expect(() => tracePython(MIN, { lines: { from: 3, to: 8 }, values: { T: 2.5 } })).toThrow(/T must be a whole number/);
  });
});
