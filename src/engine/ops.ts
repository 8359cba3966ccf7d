/**
 * The one op table: forward, backward (one contribution per input), label, the LaTeX of the local
 * derivative and what its gradient test samples. Adding an op is adding an entry here.
 */
import type { Attrs, Ctx, OpDef } from './opDef';
import { binary, fail, unary } from './opDef';
import { matmulBackward, matmulForward, softmaxRows } from './kernels';
import type { Shape } from './tensor';
import { SCALAR, shapeStr, sizeOf } from './tensor';
import { axisOf, broadcastShape, forEachBroadcast, reduceShape, splitAt } from './shapes';

const leaf = (label: string): OpDef => ({
  label,
  latex: '',
  arity: 0,
  shape: (_xs, attrs) => attrs.shape ?? SCALAR,
  forward() {},
  backward() {},
  tests: [],
});

/** Derivative of max(a, b) with respect to a: 1 above, 0 below, the relu'(0) convention at a tie. */
const above = (a: number, b: number, r: number): number => (a > b ? 1 : a < b ? 0 : r);

/** Sum of g over (outer, len, inner) groups along an axis, into C. */
function reduceAxis(c: Ctx, scaleBy: number, argmax: boolean): void {
  const { outer, len, inner } = splitAt(c.xs[0], c.attrs.axis);
  const V = c.V, G = c.G, C = c.C[0], x = c.x[0];
  for (let u = 0; u < outer; u++) {
    for (let i = 0; i < inner; i++) {
      const go = c.g + u * inner + i;
      const base = x + u * len * inner + i;
      if (argmax) {
        let best = 0;
        for (let l = 1; l < len; l++) if (V[base + l * inner] > V[base + best * inner]) best = l;
        C[c.c[0] + u * len * inner + i + best * inner] += G[go];
      } else {
        for (let l = 0; l < len; l++) C[c.c[0] + u * len * inner + i + l * inner] += G[go] * scaleBy;
      }
    }
  }
}

function reduceForward(c: Ctx, kind: 'sum' | 'mean' | 'max'): void {
  const { outer, len, inner } = splitAt(c.xs[0], c.attrs.axis);
  const V = c.V, x = c.x[0];
  for (let u = 0; u < outer; u++) {
    for (let i = 0; i < inner; i++) {
      const base = x + u * len * inner + i;
      let s = kind === 'max' ? -Infinity : 0;
      for (let l = 0; l < len; l++) s = kind === 'max' ? Math.max(s, V[base + l * inner]) : s + V[base + l * inner];
      V[c.o + u * inner + i] = kind === 'mean' ? s / len : s;
    }
  }
}

/** matmul's m x k times k x n, a vector being one row (left) or one column (right) */
const mmRows = (c: Ctx): number => (c.xs[0].length === 2 ? c.xs[0][0] : 1);
const mmCols = (c: Ctx): number => (c.xs[1].length === 2 ? c.xs[1][1] : 1);

function sliceWalk(c: Ctx, visit: (from: number, to: number) => void): void {
  const { outer, len, inner } = splitAt(c.xs[0], c.attrs.axis);
  const start = c.attrs.start ?? 0, w = (c.attrs.end ?? len) - start;
  for (let u = 0; u < outer; u++) {
    for (let j = 0; j < w * inner; j++) visit(u * len * inner + start * inner + j, u * w * inner + j);
  }
}

function concatWalk(c: Ctx, visit: (k: number, from: number, to: number) => void): void {
  const axis = axisOf(c.shape, c.attrs.axis);
  const outer = sizeOf(c.shape.slice(0, axis)), inner = sizeOf(c.shape.slice(axis + 1));
  const rowOut = c.shape[axis] * inner;
  let at = 0;
  for (let k = 0; k < c.nx; k++) {
    const w = c.xs[k][axis] * inner;
    for (let u = 0; u < outer; u++) for (let j = 0; j < w; j++) visit(k, u * w + j, u * rowOut + at + j);
    at += w;
  }
}

export const OPS = {
  param: leaf('param'),
  const: leaf('const'),
  // d(a+b)/da = 1, d(a+b)/db = 1
  add: binary('+', '\\frac{\\partial (a+b)}{\\partial a} = 1,\\quad \\frac{\\partial (a+b)}{\\partial b} = 1',
    { f: (a, b) => a + b, da: () => 1, db: () => 1 }, [-2, 2], undefined, {
      forward(c) {
        const V = c.V, o = c.o, a = c.x[0], b = c.x[1];
        for (let i = 0; i < c.n; i++) V[o + i] = V[a + i] + V[b + i];
      },
      backward(c) {
        const G = c.G, g = c.g, A = c.C[0], B = c.C[1], qa = c.c[0], qb = c.c[1];
        for (let i = 0; i < c.n; i++) {
          const gi = G[g + i];
          A[qa + i] += gi;
          B[qb + i] += gi;
        }
      },
      scalar: {
        forward: (V, o, a, b, D, d) => {
          V[o] = V[a] + V[b];
          D[d] = 1;
          D[d + 1] = 1;
        },
      },
    }),
  // d(a-b)/da = 1, d(a-b)/db = -1
  sub: binary('−', '\\frac{\\partial (a-b)}{\\partial a} = 1,\\quad \\frac{\\partial (a-b)}{\\partial b} = -1',
    { f: (a, b) => a - b, da: () => 1, db: () => -1 }, [-2, 2], undefined, {
      scalar: {
        forward: (V, o, a, b, D, d) => {
          V[o] = V[a] - V[b];
          D[d] = 1;
          D[d + 1] = -1;
        },
      },
    }),
  // d(ab)/da = b, d(ab)/db = a
  mul: binary('×', '\\frac{\\partial (ab)}{\\partial a} = b,\\quad \\frac{\\partial (ab)}{\\partial b} = a',
    { f: (a, b) => a * b, da: (_a, b) => b, db: (a) => a }, [-2, 2], undefined, {
      scalar: {
        forward: (V, o, a, b, D, d) => {
          const x = V[a], y = V[b];
          V[o] = x * y;
          D[d] = y;
          D[d + 1] = x;
        },
      },
    }),
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -y/b
  div: binary('÷', '\\frac{\\partial (a/b)}{\\partial a} = \\frac{1}{b},\\quad \\frac{\\partial (a/b)}{\\partial b} = -\\frac{a}{b^2}',
    { f: (a, b) => a / b, da: (_a, b) => 1 / b, db: (_a, b, y) => -y / b }, [[-2, 2], [0.5, 2]]),
  // d max(a,b)/da = [a > b], a tie shared by the relu'(0) convention
  maximum: binary('max', '\\frac{\\partial \\max(a,b)}{\\partial a} = [a > b],\\quad \\frac{\\partial \\max(a,b)}{\\partial b} = [b > a]',
    { f: Math.max, da: (a, b, _y, r) => above(a, b, r), db: (a, b, _y, r) => (a === b ? 1 - r : above(b, a, r)) }, [-2, 2], (a, b) => Math.abs(a - b)),
  // d min(a,b)/da = [a < b]
  minimum: binary('min', '\\frac{\\partial \\min(a,b)}{\\partial a} = [a < b],\\quad \\frac{\\partial \\min(a,b)}{\\partial b} = [b < a]',
    { f: Math.min, da: (a, b, _y, r) => above(b, a, r), db: (a, b, _y, r) => (a === b ? 1 - r : above(a, b, r)) }, [-2, 2], (a, b) => Math.abs(a - b)),
  // d/dx (-x) = -1
  neg: unary('−', '\\frac{d(-x)}{dx} = -1', (x) => -x, () => -1, [-2, 2]),
  // d/dx e^x = e^x
  exp: unary('exp', '\\frac{d e^x}{dx} = e^x', Math.exp, (_x, y) => y, [-2, 2]),
  // d/dx log x = 1/x
  log: unary('log', '\\frac{d \\log x}{dx} = \\frac{1}{x}', Math.log, (x) => 1 / x, [0.2, 3]),
  // d/dx sqrt x = 1 / (2 sqrt x)
  sqrt: unary('√', '\\frac{d \\sqrt{x}}{dx} = \\frac{1}{2\\sqrt{x}}', Math.sqrt, (_x, y) => 0.5 / y, [0.2, 3]),
  // d/dx |x| = sign(x), 0 at 0
  abs: unary('|·|', '\\frac{d |x|}{dx} = \\operatorname{sign}(x)', Math.abs, (x) => Math.sign(x), [-2, 2], 0),
  // d/dx relu(x) = [x > 0], relu'(0) by convention; NaN stays NaN (as in PyTorch)
  relu: unary('relu', "\\operatorname{relu}'(x) = [x > 0]", (x) => (x > 0 ? x : x <= 0 ? 0 : x), (x, _y, r) => (x > 0 ? 1 : x < 0 ? 0 : x === 0 ? r : x), [-2, 2], 0, {
    scalar: {
      forward: (V, o, a, _b, D, d, r) => {
        const x = V[a];
        V[o] = x > 0 ? x : x <= 0 ? 0 : x;
        D[d] = x > 0 ? 1 : x < 0 ? 0 : x === 0 ? r : x;
      },
    },
  }),
  // d/dx sin x = cos x
  sin: unary('sin', '\\frac{d \\sin x}{dx} = \\cos x', Math.sin, (x) => Math.cos(x), [-3, 3]),
  // d/dx cos x = -sin x
  cos: unary('cos', '\\frac{d \\cos x}{dx} = -\\sin x', Math.cos, (x) => -Math.sin(x), [-3, 3]),
  // d/dx tanh x = 1 - tanh^2 x
  tanh: unary('tanh', '\\frac{d \\tanh x}{dx} = 1 - \\tanh^2 x', Math.tanh, (_x, y) => 1 - y * y, [-2, 2], undefined, {
    forward(c) {
      const V = c.V, o = c.o, a = c.x[0];
      for (let i = 0; i < c.n; i++) V[o + i] = Math.tanh(V[a + i]);
    },
    backward(c) {
      const V = c.V, G = c.G, C = c.C[0], o = c.o, g = c.g, k = c.c[0];
      for (let i = 0; i < c.n; i++) {
        const y = V[o + i];
        C[k + i] += G[g + i] * (1 - y * y);
      }
    },
    scalar: {
      forward: (V, o, a, _b, D, d) => {
        const y = Math.tanh(V[a]);
        V[o] = y;
        D[d] = 1 - y * y;
      },
    },
  }),
  // d/dx sigmoid x = sigmoid x (1 - sigmoid x)
  sigmoid: unary('σ', '\\sigma\'(x) = \\sigma(x)\\,(1 - \\sigma(x))', sigmoid, (_x, y) => y * (1 - y), [-3, 3]),
  // d/dx log(1 + e^x) = sigmoid x
  softplus: unary('softplus', "\\operatorname{softplus}'(x) = \\sigma(x)", softplus, (x) => sigmoid(x), [-3, 3]),
  pow: {
    label: 'pow', arity: 1, shape: (xs) => xs[0],
    latex: '\\frac{d x^p}{dx} = p\\,x^{p-1}',
    forward: (c) => { const p = c.attrs.p ?? 1; for (let i = 0; i < c.n; i++) c.V[c.o + i] = Math.pow(c.V[c.x[0] + i], p); },
    backward(c) {
      // d/dx x^p = p x^(p-1)
      const p = c.attrs.p ?? 1, V = c.V, C = c.C[0];
      for (let i = 0; i < c.n; i++) C[c.c[0] + i] += c.G[c.g + i] * (p === 0 ? 0 : p * Math.pow(V[c.x[0] + i], p - 1));
    },
    tests: [{ shapes: [[3]], attrs: { p: 2.5 }, domain: [0.3, 2] }, { shapes: [[3]], attrs: { p: 3 }, domain: [-2, 2] }],
  },
  scale: {
    label: '×c', arity: 1, shape: (xs) => xs[0],
    latex: '\\frac{d (c x)}{dx} = c',
    forward: (c) => { const p = c.attrs.p ?? 1; for (let i = 0; i < c.n; i++) c.V[c.o + i] = p * c.V[c.x[0] + i]; },
    backward(c) { const p = c.attrs.p ?? 1; for (let i = 0; i < c.n; i++) c.C[0][c.c[0] + i] += p * c.G[c.g + i]; },
    tests: [{ shapes: [[2, 2]], attrs: { p: -0.7 }, domain: [-2, 2] }],
  },
  gt: mask('>', (x, p) => x > p),
  lt: mask('<', (x, p) => x < p),
  matmul: {
    label: '@', arity: 2,
    latex: '\\frac{\\partial (AB)}{\\partial A} = G B^\\top,\\quad \\frac{\\partial (AB)}{\\partial B} = A^\\top G',
    shape(xs, _a, name) {
      const a = xs[0], b = xs[1];
      if (a.length < 1 || a.length > 2) fail(name, `expected a vector or matrix, got shape ${shapeStr(a)}`, 0);
      if (b.length < 1 || b.length > 2) fail(name, `expected a vector or matrix, got shape ${shapeStr(b)}`, 1);
      const ka = a[a.length - 1], kb = b[0];
      if (ka !== kb) fail(name, `inner dimensions ${ka} and ${kb} do not match`, 1);
      if (a.length === 1) return b.length === 2 ? [b[1]] : SCALAR;
      // a square matrix times a vector has the vector's shape (shapes are never mutated: share it)
      if (b.length === 1) return a[0] === b[0] ? b : [a[0]];
      return [a[0], b[1]];
    },
    forward(c) { matmulForward(c.V, c.x[0], c.x[1], c.o, mmRows(c), c.xs[1][0], mmCols(c)); },
    backward(c) {
      matmulBackward(c.V, c.x[0], c.x[1], mmRows(c), c.xs[1][0], mmCols(c), c.G, c.g, c.need[0] ? c.C[0] : null, c.c[0], c.need[1] ? c.C[1] : null, c.c[1]);
    },
    tests: [
      { shapes: [[3, 4], [4, 2]], domain: [-2, 2] },
      { shapes: [[6, 3], [3, 5]], domain: [-2, 2] }, // six rows: the four-row blocks and a remainder
      { shapes: [[13, 4], [4]], domain: [-2, 2] }, // 13 rows: an eight-row block and five single rows
      { shapes: [[5, 3], [3]], domain: [-2, 2] },
      { shapes: [[3], [3, 2]], domain: [-2, 2] },
      { shapes: [[4], [4]], domain: [-2, 2] },
    ],
  },
  transpose: {
    label: 'ᵀ', arity: 1, latex: '\\frac{\\partial X^\\top}{\\partial X} : G \\mapsto G^\\top',
    shape(xs, _a, name) { if (xs[0].length !== 2) fail(name, `expected a matrix, got shape ${shapeStr(xs[0])}`, 0); return [xs[0][1], xs[0][0]]; },
    forward(c) { const [r, q] = c.xs[0]; for (let i = 0; i < r; i++) for (let j = 0; j < q; j++) c.V[c.o + j * r + i] = c.V[c.x[0] + i * q + j]; },
    backward(c) { const [r, q] = c.xs[0]; for (let i = 0; i < r; i++) for (let j = 0; j < q; j++) c.C[0][c.c[0] + i * q + j] += c.G[c.g + j * r + i]; },
    tests: [{ shapes: [[2, 3]], domain: [-2, 2] }],
  },
  sum: {
    label: 'Σ', arity: 1, shape: reduceShape, latex: '\\frac{\\partial \\sum_i x_i}{\\partial x_j} = 1',
    forward: (c) => reduceForward(c, 'sum'),
    backward: (c) => reduceAxis(c, 1, false),
    tests: [{ shapes: [[2, 3]], domain: [-2, 2] }, { shapes: [[2, 3, 2]], attrs: { axis: 1 }, domain: [-2, 2] }],
  },
  mean: {
    label: 'mean', arity: 1, shape: reduceShape, latex: '\\frac{\\partial \\frac{1}{n}\\sum_i x_i}{\\partial x_j} = \\frac{1}{n}',
    forward: (c) => reduceForward(c, 'mean'),
    backward: (c) => reduceAxis(c, 1 / splitAt(c.xs[0], c.attrs.axis).len, false),
    tests: [{ shapes: [[2, 3]], domain: [-2, 2] }, { shapes: [[2, 3]], attrs: { axis: 0 }, domain: [-2, 2] }],
  },
  reduceMax: {
    label: 'max', arity: 1, shape: reduceShape, latex: '\\frac{\\partial \\max_i x_i}{\\partial x_j} = [j = \\arg\\max_i x_i]',
    forward: (c) => reduceForward(c, 'max'),
    backward: (c) => reduceAxis(c, 1, true),
    kink(c) {
      // distance between the two largest entries of each group: a tie is where the argmax jumps
      const { outer, len, inner } = splitAt(c.xs[0], c.attrs.axis);
      let d = Infinity;
      for (let u = 0; u < outer; u++) for (let i = 0; i < inner; i++) {
        const vals: number[] = [];
        for (let l = 0; l < len; l++) vals.push(c.V[c.x[0] + u * len * inner + l * inner + i]);
        vals.sort((p, q) => q - p);
        if (vals.length > 1) d = Math.min(d, vals[0] - vals[1]);
      }
      return d;
    },
    tests: [{ shapes: [[3, 4]], attrs: { axis: 1 }, domain: [-2, 2] }, { shapes: [[5]], domain: [-2, 2] }],
  },
  softmax: {
    label: 'softmax', arity: 1, shape: (xs) => xs[0],
    latex: '\\frac{\\partial p_i}{\\partial s_j} = p_i(\\delta_{ij} - p_j)',
    forward: (c) => softmaxRows(c.V, c.x[0], c.o, c.n, lastDim(c.xs[0]), false),
    backward(c) {
      // ds_j = p_j (g_j - sum_i g_i p_i), row by row
      const w = lastDim(c.xs[0]), V = c.V, G = c.G, C = c.C[0];
      for (let r = 0; r < c.n; r += w) {
        let dot = 0;
        for (let j = 0; j < w; j++) dot += G[c.g + r + j] * V[c.o + r + j];
        for (let j = 0; j < w; j++) C[c.c[0] + r + j] += V[c.o + r + j] * (G[c.g + r + j] - dot);
      }
    },
    tests: [{ shapes: [[3, 4]], domain: [-2, 2] }, { shapes: [[5]], domain: [-3, 3] }],
  },
  logSoftmax: {
    label: 'log softmax', arity: 1, shape: (xs) => xs[0],
    latex: '\\frac{\\partial \\log p_i}{\\partial s_j} = \\delta_{ij} - p_j',
    forward: (c) => softmaxRows(c.V, c.x[0], c.o, c.n, lastDim(c.xs[0]), true),
    backward(c) {
      // ds_j = g_j - p_j sum_i g_i, with p_j = exp(y_j)
      const w = lastDim(c.xs[0]), V = c.V, G = c.G, C = c.C[0];
      for (let r = 0; r < c.n; r += w) {
        let s = 0;
        for (let j = 0; j < w; j++) s += G[c.g + r + j];
        for (let j = 0; j < w; j++) C[c.c[0] + r + j] += G[c.g + r + j] - Math.exp(V[c.o + r + j]) * s;
      }
    },
    tests: [{ shapes: [[2, 4]], domain: [-2, 2] }],
  },
  reshape: {
    label: 'reshape', arity: 1, latex: '\\text{identity on the values}',
    shape(xs, attrs, name) {
      const s = attrs.shape ?? SCALAR;
      if (sizeOf(s) !== sizeOf(xs[0])) fail(name, `cannot reshape ${shapeStr(xs[0])} to ${shapeStr(s)}`, 0);
      return s;
    },
    forward: (c) => c.V.copyWithin(c.o, c.x[0], c.x[0] + c.n),
    backward(c) { for (let i = 0; i < c.n; i++) c.C[0][c.c[0] + i] += c.G[c.g + i]; },
    tests: [{ shapes: [[2, 3]], attrs: { shape: [3, 2] }, domain: [-2, 2] }],
  },
  broadcastTo: {
    label: 'broadcast', arity: 1, latex: '\\text{unbroadcast: sum } G \\text{ over the repeated axes}',
    shape: (xs, attrs, name) => broadcastShape(xs[0], attrs.shape ?? SCALAR, name),
    forward(c) { forEachBroadcast(c.xs[0], c.shape, (from, to) => { c.V[c.o + to] = c.V[c.x[0] + from]; }); },
    // the one unbroadcast: every output position adds its gradient to the input entry it copied
    backward(c) { forEachBroadcast(c.xs[0], c.shape, (from, to) => { c.C[0][c.c[0] + from] += c.G[c.g + to]; }); },
    tests: [{ shapes: [[3, 1]], attrs: { shape: [2, 3, 4] }, domain: [-2, 2] }, { shapes: [[]], attrs: { shape: [3] }, domain: [-2, 2] }],
  },
  slice: {
    label: 'slice', arity: 1, latex: '\\frac{\\partial x_{a:b}}{\\partial x} : G \\mapsto G \\text{ padded with zeros}',
    shape(xs, attrs, name) {
      const s = xs[0], axis = axisOf(s, attrs.axis, name);
      const start = attrs.start ?? 0, end = attrs.end ?? s[axis];
      if (!(start >= 0 && end <= s[axis] && start < end)) fail(name, `range ${start}:${end} is outside axis ${axis} of length ${s[axis]}`, 0);
      return s.map((d, i) => (i === axis ? end - start : d));
    },
    forward(c) { sliceWalk(c, (from, to) => { c.V[c.o + to] = c.V[c.x[0] + from]; }); },
    backward(c) { sliceWalk(c, (from, to) => { c.C[0][c.c[0] + from] += c.G[c.g + to]; }); },
    tests: [{ shapes: [[4, 3]], attrs: { axis: 0, start: 1, end: 3 }, domain: [-2, 2] }, { shapes: [[2, 5]], attrs: { axis: 1, start: 4, end: 5 }, domain: [-2, 2] }],
  },
  concat: {
    label: 'concat', arity: -1, latex: '\\frac{\\partial [a; b]}{\\partial a} : G \\mapsto G_a',
    shape(xs, attrs, name) {
      if (xs.length === 0) fail(name, 'needs at least one input');
      const axis = axisOf(xs[0], attrs.axis, name);
      let total = 0;
      xs.forEach((s, k) => {
        if (s.length !== xs[0].length || s.some((d, i) => i !== axis && d !== xs[0][i])) {
          fail(name, `shape ${shapeStr(s)} does not fit ${shapeStr(xs[0])} along axis ${axis}`, k);
        }
        total += s[axis];
      });
      return xs[0].map((d, i) => (i === axis ? total : d));
    },
    forward(c) { concatWalk(c, (k, from, to) => { c.V[c.o + to] = c.V[c.x[k] + from]; }); },
    backward(c) { concatWalk(c, (k, from, to) => { c.C[k][c.c[k] + from] += c.G[c.g + to]; }); },
    tests: [{ shapes: [[2, 2], [2, 3]], attrs: { axis: 1 }, domain: [-2, 2] }, { shapes: [[1, 3], [2, 3]], attrs: { axis: 0 }, domain: [-2, 2] }],
  },
} satisfies Record<string, OpDef>;

export type OpName = keyof typeof OPS;
export const OP_NAMES = Object.keys(OPS) as OpName[];

function mask(label: string, test: (x: number, p: number) => boolean): OpDef {
  return {
    label, arity: 1, shape: (xs) => xs[0],
    latex: `\\frac{d\\,[x ${label} c]}{dx} = 0`,
    forward: (c) => { const p = c.attrs.p ?? 0; for (let i = 0; i < c.n; i++) c.V[c.o + i] = test(c.V[c.x[0] + i], p) ? 1 : 0; },
    backward() {}, // a step function has derivative 0 away from its threshold
    kink: (c) => { let d = Infinity; for (let i = 0; i < c.n; i++) d = Math.min(d, Math.abs(c.V[c.x[0] + i] - (c.attrs.p ?? 0))); return d; },
    tests: [{ shapes: [[4]], attrs: { p: 0.1 }, domain: [-2, 2] }],
  };
}

function lastDim(s: Shape): number {
  return s.length === 0 ? 1 : s[s.length - 1];
}

export function sigmoid(x: number): number {
  // stable on both sides: exp never overflows
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function softplus(x: number): number {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): finite for x = ±1e30
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export type { Attrs };
