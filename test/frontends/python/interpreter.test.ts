/**
 * Each construct of the Python subset on small programs whose gradients are worked out by hand (in
 * the comments), in-place updates through aliases and views, and finite differences for the numpy
 * functions (the loss is re-run with one parameter nudged).
 */
import { describe, expect, it } from 'vitest';
import { tracePython } from '../../../src/frontends/python/trace';
import { mulberry32, normal } from '../../../src/engine/random';
import type { Nested } from '../../../src/engine/tensor';

const np = 'import numpy as np\nimport math\n';
const grad = (code: string, name: string): Nested => {
  const tr = tracePython(np + code);
  const p = tr.params.find((q) => q.name === name);
  if (!p) throw new Error(`no parameter ${name} in ${tr.params.map((q) => q.name).join(', ')}`);
  return p.grad;
};
const loss = (code: string): number => tracePython(np + code).loss.value;

describe('the subset, with gradients worked out by hand', () => {
  it('scalars: loss = (w x - 1)^2 gives dL/dw = 2 (w x - 1) x and dL/dx = 2 (w x - 1) w', () => {
    const code = 'w = 0.7\nx = 2.0\nloss = (w * x - 1) ** 2\n';
    expect(grad(code, 'w')).toBeCloseTo(2 * (1.4 - 1) * 2, 12);
    expect(grad(code, 'x')).toBeCloseTo(2 * (1.4 - 1) * 0.7, 12);
  });

  it('integers are not parameters; float literals are', () => {
    const tr = tracePython(np + 'n = 3\nw = 1.0\nloss = w * n\n');
    expect(tr.params.map((p) => p.name)).toEqual(['w']);
    expect(tr.params[0].grad).toBe(3);
  });

  it('tuple unpacking, lists, tuples, len, zip, enumerate: loss = sum_i c_i * w_i', () => {
    const code = 'a, (b, c) = 1.5, (2.0, 3.0)\nws = [a, b, c]\ncs = (1, 2, 3)\nloss = 0\nfor i, (w, k) in enumerate(zip(ws, cs)):\n    loss = loss + w * k * (len(ws) - 2)\n';
    // d/da = 1, d/db = 2, d/dc = 3 (times len - 2 = 1)
    expect([grad(code, 'a'), grad(code, 'b'), grad(code, 'c')]).toEqual([1, 2, 3]);
  });

  it('dicts with negative keys, range with a step, reversed: h_t = w h_{t-1} over t = 0, 2, 4', () => {
    const code = 'w = 0.5\nhs = {}\nhs[-2] = 1.0\nfor t in range(0, 6, 2):\n    hs[t] = w * hs[t - 2]\nacc = 0\nfor t in reversed(range(0, 6, 2)):\n    acc = acc + hs[t]\nloss = acc\n';
    // loss = w + w^2 + w^3, dL/dw = 1 + 2w + 3w^2
    expect(loss(code)).toBeCloseTo(0.5 + 0.25 + 0.125, 14);
    expect(grad(code, 'w')).toBeCloseTo(1 + 1 + 0.75, 14);
  });

  it('if/elif/else, while with break, def/return with defaults and keywords, comprehensions', () => {
    const code = [
      'def f(x, k=2):', '    if x > 10:', '        return 0 * x', '    elif x > 0:', '        return x ** k', '    else:', '        return -x',
      'w = 1.5', 'n = 0', 'while True:', '    n += 1', '    if n >= 3:', '        break',
      'sq = [f(w, k=j) for j in range(1, n + 1) if j != 2]', 'loss = sum(sq)',
    ].join('\n');
    // n = 3, loss = w + w^3, dL/dw = 1 + 3 w^2
    expect(loss(code)).toBeCloseTo(1.5 + 3.375, 14);
    expect(grad(code, 'w')).toBeCloseTo(1 + 3 * 2.25, 14);
  });

  it('a chained comparison is an and, not a comparison of a bool', () => {
    expect(loss('w = 0.5\nloss = w * (1 if 0 < w < 1 else 2)\n')).toBe(0.5);
  });

  it('print is ignored, even with an f-string', () => {
    expect(loss('w = 2.0\nprint(f"{w} and {undefined_name}")\nloss = w\n')).toBe(2);
  });

  it('the loss is L or J, else the last scalar assigned', () => {
    expect(tracePython(np + 'w = 3.0\nJ = w * 2\n').loss).toMatchObject({ name: 'J', value: 6 });
    expect(tracePython(np + 'w = 3.0\ncost = w * w\nother = [1, 2]\n').loss).toMatchObject({ name: 'cost', value: 9 });
  });
});

describe('numpy arrays, in place', () => {
  it('+= on an ndarray changes every alias (numpy semantics): a = zeros(3); b = a; b += w gives sum(a) = 3w', () => {
    expect(grad('w = 0.5\na = np.zeros(3)\nb = a\nb += w\nloss = np.sum(a)\n', 'w')).toBe(3);
  });

  it('+= on a 0-d result rebinds (a numpy scalar is immutable): s stays sum(x)', () => {
    const tr = tracePython(np + 'x = np.array([1.0, 2.0])\ns = np.sum(x)\nt = s\nt += 5\nloss = s * 1\n');
    expect(tr.loss.value).toBe(3);
    expect(tr.params[0].grad).toEqual([1, 1]);
  });

  it('xs[t][i] = 1 and v[1] = w: the assigned entry carries the gradient, the overwritten one none', () => {
    const code = 'w = 0.5\nu = np.array([1.0, 2.0, 3.0])\nv = u * 1\nv[1] = w\nxs = {}\nxs[0] = np.zeros((3, 1))\nxs[0][2] = 1\nloss = np.sum(v * np.array([1.0, 2.0, 3.0])) + np.sum(xs[0]) * w\n';
    // loss = 1*u0 + 2*w + 3*u2 + 1*w: dL/dw = 3, dL/du = [1, 0, 3]
    expect(grad(code, 'w')).toBe(3);
    expect(grad(code, 'u')).toEqual([1, 0, 3]);
  });

  it('M[:, 1] += u and a view r = M[0]; r += c write into M', () => {
    const code = 'u = np.array([1.0, 2.0])\nc = 0.5\nM = np.zeros((2, 3))\nM[:, 1] += u\nr = M[0]\nr += c\nK = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])\nloss = np.sum(M * K)\n';
    // M = [[c, u0 + c, c], [0, u1, 0]]: dL/du = [K01, K11] = [2, 5], dL/dc = 1 + 2 + 3
    expect(grad(code, 'u')).toEqual([2, 5]);
    expect(grad(code, 'c')).toBe(6);
  });

  it('a view re-reads its base after the base changes', () => {
    expect(loss('w = 1.0\nM = np.zeros((2, 2))\nr = M[1]\nM += w\nloss = np.sum(r)\n')).toBe(2);
  });

  it('slices with negative bounds and steps, None, .T, shape, reshape(-1), len', () => {
    const code = 'A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])\nB = A[:, ::-2]\nn = len(A) + A.shape[1]\nc = A[-1, 1:][None, :]\nloss = np.sum(B) + n * np.sum(c.T) + np.sum(A.reshape(-1, 2)[2])\n';
    // B = A[:, [2, 0]], c = [5, 6]; entries: B counts cols 2 and 0; n = 5 weighs A[1, 1:]; reshape row 2 is A[1, 1:]
    expect(grad(code, 'A')).toEqual([[1, 0, 1], [1, 6, 7]]);
  });

  it('np.random.seed/randn follow mulberry32 with Box-Muller (reproducible, not numpy\'s stream)', () => {
    const tr = tracePython(np + 'np.random.seed(3)\nW = np.random.randn(2, 2)\nloss = np.sum(W)\n');
    const g = normal(mulberry32(3));
    expect(tr.params[0].value).toEqual([[g(), g()], [g(), g()]]);
  });
});

describe('numpy functions against finite differences', () => {
  // central differences of the loss in one entry of W, with the interpreter run twice
  const fd = (body: string, W: number[][], i: number, j: number): number => {
    const h = 1e-6;
    const at = (d: number) => loss(`W = np.array(${JSON.stringify(W.map((r, a) => r.map((v, b) => (a === i && b === j ? v + d : v))))})\n${body}`);
    return (at(h) - at(-h)) / (2 * h);
  };
  const W = [[0.3, -0.7, 1.1], [0.5, 0.2, -0.4]];
  it.each([
    ['dot, tanh, exp, log, sqrt, outer', 'x = np.array([0.5, -1.0, 2.0])\nh = np.tanh(np.dot(W, x))\nloss = np.sum(np.outer(h, np.exp(h))) + np.log(np.sum(np.sqrt(W * W + 1)))\n'],
    ['maximum, minimum, clip, max, mean, sum(axis, keepdims)', 'z = np.clip(W, -0.5, 0.6) + np.maximum(W, 0.1) * np.minimum(W, 0.35)\nloss = np.max(z) + np.mean(z * z) + np.sum(np.sum(z, axis=1, keepdims=True) ** 2)\n'],
    ['@, .T, copy, math functions, softmax helper', 'def softmax(v):\n    e = np.exp(v - np.max(v))\n    return e / np.sum(e)\nS = W @ W.T\nP = np.copy(S)\nloss = -math.log(softmax(P[0])[1]) + math.exp(S[1, 1]) * math.sqrt(2)\n'],
  ])('%s', (_name, body) => {
    const tr = tracePython(np + `W = np.array(${JSON.stringify(W)})\n` + body);
    const g = tr.params.find((p) => p.name === 'W')!.grad as number[][];
    for (const [i, j] of [[0, 0], [0, 2], [1, 1], [1, 2]]) expect(g[i][j]).toBeCloseTo(fd(body, W, i, j), 6);
  });
});

describe('trace metadata', () => {
  it('every node of a loop iteration carries its time step and its source line', () => {
    const tr = tracePython(np + 'w = 0.9\nh = 1.0\nfor t in range(3):\n    h = np.tanh(w * h)\nloss = h\n');
    const g = tr.graph;
    const tanhs = Array.from({ length: g.size }, (_x, i) => g.node(i as never)).filter((n) => n.op === 'tanh');
    expect(tanhs.map((n) => n.t)).toEqual([0, 1, 2]);
    // 0-based line 5: "    h = np.tanh(w * h)" after the two import lines and two assignments
    expect(tanhs.map((n) => n.src!.line)).toEqual([5, 5, 5]);
    expect(tanhs[0].src!.col).toBe(8);
    expect(tr.hidden!.name).toBe('h');
    expect(tr.hidden!.steps.map((s) => s.t)).toEqual([0, 1, 2]);
  });

  it('the BPTT table: dL/dh_t of h_t = tanh(w h_{t-1}) is the product of w (1 - h_k^2) over later steps', () => {
    const tr = tracePython(np + 'w = 0.9\nh = 1.0\nhs = []\nfor t in range(3):\n    h = np.tanh(w * h)\n    hs.append(h)\nloss = h\n');
    const h1 = Math.tanh(0.9), h2 = Math.tanh(0.9 * h1), h3 = Math.tanh(0.9 * h2);
    const d = tr.hidden!.steps.map((s) => s.dLdh as number);
    expect(d[2]).toBe(1);
    expect(d[1]).toBeCloseTo(0.9 * (1 - h3 * h3), 14);
    expect(d[0]).toBeCloseTo(0.9 * (1 - h3 * h3) * 0.9 * (1 - h2 * h2), 14);
    expect(h1).toBeGreaterThan(0);
  });
});

describe('re-tracing and pairing by annotation', () => {
  it('a trace on the previous tape gives the same numbers (the editor re-traces after an edit)', () => {
    const code = np + 'W = np.array([[0.5, -1.0], [2.0, 0.25]])\nx = np.array([1.0, 2.0])\nloss = np.sum(np.tanh(W @ x))\n';
    const a = tracePython(code);
    const value = a.loss.value, g = a.params[0].grad;
    const b = tracePython(code, { graph: a.graph });
    expect(b.graph).toBe(a.graph);
    expect(b.loss.value).toBe(value);
    expect(b.params[0].grad).toEqual(g);
  });

  it('# gradient-lens: gW = d loss / d W pairs a gradient whose name says nothing', async () => {
    const { checkBackward } = await import('../../../src/frontends/python/checkBackward');
    const code = np + 'W = 1.5\nloss = W * W\ngW = 2 * W  # gradient-lens: gW = d loss / d W\nwrong = 3 * W  # gradient-lens: wrong = d loss / d W\n';
    // the first annotation wins: d(W^2)/dW = 2W
    const r = checkBackward(code);
    expect(r.params).toEqual([expect.objectContaining({ name: 'W', gradientVariable: 'gW', verdict: 'correct' })]);
  });
});
