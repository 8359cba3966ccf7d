/**
 * The WebAssembly matrix kernels (src/engine/wasm/kernels.ts, SIMD): the committed binary is the
 * source's, a large tape moves into wasm memory and computes y = A x, Y = A B and their gradients as the
 * textbook sums say (and as the JS loops do), gradients read before the tape grows stay right, and a
 * tape past WASM_UNTIL goes back to plain arrays.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/engine/graph';
import { mulberry32 } from '../../src/engine/random';
import type { NodeId } from '../../src/engine/tape';
import { WASM_FROM, WASM_UNTIL } from '../../src/engine/tape';
import { tensor } from '../../src/engine/tensor';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(a) + Math.abs(b));

/** A graph in wasm memory (a leaf of WASM_FROM values first) or on plain arrays. */
function graph(wasm: boolean): Graph {
  const g = new Graph({ wasm });
  g.constant(tensor([WASM_FROM], new Float64Array(WASM_FROM)));
  return g;
}

/** L = r . (A x) on `g`, its gradients, and the same by the textbook sums. */
function matvecCase(g: Graph, m: number, k: number, seed: number) {
  const rand = mulberry32(seed);
  const A = Float64Array.from({ length: m * k }, () => rand() * 2 - 1);
  const x = Float64Array.from({ length: k }, () => rand() * 2 - 1);
  const r = Float64Array.from({ length: m }, () => rand() * 2 - 1);
  const nA = g.param(tensor([m, k], A)), nx = g.param(tensor([k], x));
  const y = g.matmul(nA, nx);
  const L = g.sum(g.mul(y, g.constant(tensor([m], r))));
  const grads = g.backward(L);
  // y_i = sum_p A_ip x_p; dL/dA_ip = r_i x_p; dL/dx_p = sum_i A_ip r_i
  const yWant = Array.from({ length: m }, (_, i) => x.reduce((s, xp, p) => s + A[i * k + p] * xp, 0));
  const dA = Array.from({ length: m * k }, (_, q) => r[Math.floor(q / k)] * x[q % k]);
  const dx = Array.from({ length: k }, (_, p) => r.reduce((s, ri, i) => s + A[i * k + p] * ri, 0));
  return { y: g.value(y).data, dA: grads.get(nA).data, dx: grads.get(nx).data, yWant, dAWant: dA, dxWant: dx };
}

describe('WebAssembly matrix kernels', () => {
  it('the committed binary is compiled from the committed source (npm run wasm)', () => {
    expect(execFileSync(process.execPath, [join(__dirname, '../../scripts/buildWasm.mjs'), '--check'], { encoding: 'utf8' })).toMatch(/is up to date/);
  });

  it('a tape moves into wasm memory once it holds WASM_FROM values, unless told not to', () => {
    const small = new Graph();
    small.param(tensor([16], new Float64Array(16)));
    expect(small.inWasm).toBe(false);
    expect(graph(true).inWasm).toBe(true);
    expect(graph(false).inWasm).toBe(false);
  });

  // every remainder of four rows and of two columns, one row, one column, and the W2 sizes
  const shapes: [number, number][] = [[1, 1], [1, 7], [7, 1], [3, 5], [4, 4], [5, 2], [6, 9], [16, 16], [17, 33], [64, 64], [256, 256]];
  for (const [m, k] of shapes) {
    it(`y = A x and its gradients for A of ${m} x ${k}: the textbook sums, in wasm and in JS alike`, () => {
      const w = matvecCase(graph(true), m, k, m * 1000 + k);
      const j = matvecCase(graph(false), m, k, m * 1000 + k);
      for (const c of [w, j]) {
        c.yWant.forEach((v, i) => expect(rel(c.y[i], v)).toBeLessThan(1e-12));
        c.dAWant.forEach((v, i) => expect(c.dA[i]).toBe(v)); // one product each: exact
        c.dxWant.forEach((v, i) => expect(rel(c.dx[i], v)).toBeLessThan(1e-12));
      }
    });
  }

  /** L = sum(R * (A B)) on `g`, its gradients, and the same by the textbook sums. */
  function matmulCase(g: Graph, m: number, k: number, n: number, seed: number) {
    const rand = mulberry32(seed);
    const A = Float64Array.from({ length: m * k }, () => rand() * 2 - 1);
    const B = Float64Array.from({ length: k * n }, () => rand() * 2 - 1);
    const R = Float64Array.from({ length: m * n }, () => rand() * 2 - 1);
    const nA = g.param(tensor([m, k], A)), nB = g.param(tensor([k, n], B));
    const Y = g.matmul(nA, nB);
    const grads = g.backward(g.sum(g.mul(Y, g.constant(tensor([m, n], R)))));
    // Y_ij = sum_p A_ip B_pj; dL/dA_ip = sum_j R_ij B_pj; dL/dB_pj = sum_i A_ip R_ij
    const sum = (len: number, f: (t: number) => number): number => Array.from({ length: len }, (_, t) => f(t)).reduce((s, v) => s + v, 0);
    return {
      got: [g.value(Y).data, grads.get(nA).data, grads.get(nB).data],
      want: [
        Array.from({ length: m * n }, (_, q) => sum(k, (p) => A[Math.floor(q / n) * k + p] * B[p * n + (q % n)])),
        Array.from({ length: m * k }, (_, q) => sum(n, (j) => R[Math.floor(q / k) * n + j] * B[(q % k) * n + j])),
        Array.from({ length: k * n }, (_, q) => sum(m, (i) => A[i * k + Math.floor(q / n)] * R[i * n + (q % n)])),
      ],
    };
  }

  // every remainder of four rows and of two columns, and the attention sizes
  const mm: [number, number, number][] = [[1, 1, 2], [2, 3, 2], [3, 2, 5], [4, 4, 4], [5, 3, 7], [7, 6, 3], [8, 16, 9], [64, 64, 64]];
  for (const [m, k, n] of mm) {
    it(`Y = A B and its gradients for A of ${m} x ${k} and B of ${k} x ${n}: the textbook sums, in wasm and in JS alike`, () => {
      for (const wasm of [true, false]) {
        const c = matmulCase(graph(wasm), m, k, n, m * 10000 + k * 100 + n);
        c.want.forEach((want, w) => want.forEach((v, i) => expect(rel(c.got[w][i], v), `wasm ${wasm}, result ${w}, entry ${i}`).toBeLessThan(1e-12)));
      }
    });
  }

  it('the products of a tape in wasm memory do run in WebAssembly: its sums go in two lanes', () => {
    // [1e308, 1e308, -1e308, -1e308] . [1, 1, 1, 1]: left to right (JS) the first sum overflows to
    // Infinity; in two lanes (1e308 - 1e308) + (1e308 - 1e308) = 0. Same IEEE operations, other order.
    const dot = (wasm: boolean): number => {
      const g = graph(wasm);
      const A = g.param(tensor([1, 4], Float64Array.from([1e308, 1e308, -1e308, -1e308])));
      return g.value(g.matmul(A, g.param(tensor([4], Float64Array.from([1, 1, 1, 1]))))).data[0];
    };
    expect(dot(true)).toBe(0);
    expect(dot(false)).toBe(Infinity);
  });

  it('0 * Infinity is NaN in every row, and an Infinity reaches every output, as in IEEE arithmetic', () => {
    for (const wasm of [true, false]) {
      const g = graph(wasm);
      const m = 9, k = 5;
      const A = new Float64Array(m * k); // zeros, so row i . x = 0 * Inf = NaN for an infinite x_p
      const x = Float64Array.from([1, 2, Infinity, 3, 4]);
      const nA = g.param(tensor([m, k], A)), nx = g.param(tensor([k], x));
      const y = g.value(g.matmul(nA, nx)).data;
      expect([...y].every(Number.isNaN), `wasm ${wasm}`).toBe(true);
      const B = Float64Array.from({ length: m * k }, () => 1);
      const z = g.value(g.matmul(g.param(tensor([m, k], B)), nx)).data;
      expect([...z].every((v) => v === Infinity), `wasm ${wasm}`).toBe(true);
    }
  });

  it('gradients read before the tape grows in wasm memory stay right after it grows', () => {
    const g = new Graph();
    const m = 32, k = 32;
    const rand = mulberry32(7);
    const A = Float64Array.from({ length: m * k }, () => rand());
    const x = Float64Array.from({ length: k }, () => rand());
    const nA = g.param(tensor([m, k], A)), nx = g.param(tensor([k], x));
    let L: NodeId = g.sum(g.matmul(nA, nx));
    const grads = g.backward(L);
    const before = grads.get(nx).data;
    // dL/dx_p = sum_i A_ip
    before.forEach((v, p) => expect(rel(v, A.reduce((s, a, q) => (q % k === p ? s + a : s), 0))).toBeLessThan(1e-12));
    // grow the tape through the move into wasm memory and two more growths
    for (let i = 0; i < 4; i++) L = g.add(L, g.sum(g.constant(tensor([WASM_FROM], new Float64Array(WASM_FROM)))));
    expect(g.inWasm).toBe(true);
    expect(grads.get(nx).data).toEqual(before);
    expect(grads.get(nA).data).toEqual(Float64Array.from({ length: m * k }, (_, q) => x[q % k]));
  });

  it('a tape that outgrows WASM_UNTIL goes back to plain arrays with its values and gradients', () => {
    const g = graph(true);
    const x = g.param(tensor([3], Float64Array.from([1, 2, 3])));
    const A = g.param(tensor([2, 3], Float64Array.from([1, 0, -1, 2, 1, 0])));
    const y = g.matmul(A, x); // [1 - 3, 2 + 2] = [-2, 4]
    const grads = g.backward(g.sum(y)); // dL/dx_p = sum_i A_ip = [3, 1, -1]
    expect(g.inWasm).toBe(true);
    g.constant(tensor([WASM_UNTIL], new Float64Array(WASM_UNTIL)));
    expect(g.inWasm).toBe(false);
    expect([...g.value(y).data]).toEqual([-2, 4]);
    expect([...grads.get(x).data]).toEqual([3, 1, -1]);
    // and the products still come out right on the JS loops
    expect([...g.value(g.matmul(A, x)).data]).toEqual([-2, 4]);
  });

  it('a reset tape that had outgrown WASM_UNTIL runs again in wasm memory, with the same answers', () => {
    const run = (g: Graph): { y: number[]; dx: number[]; inWasm: boolean } => {
      const x = g.param(tensor([3], Float64Array.from([1, 2, 3])));
      const A = g.param(tensor([2, 3], Float64Array.from([1, 0, -1, 2, 1, 0])));
      g.constant(tensor([WASM_UNTIL], new Float64Array(WASM_UNTIL))); // room the model needs
      const y = g.matmul(A, x);
      const grads = g.backward(g.sum(y));
      return { y: [...g.value(y).data], dx: [...grads.get(x).data], inWasm: g.inWasm };
    };
    const g = new Graph();
    // y = A x = [1 - 3, 2 + 2] = [-2, 4]; dL/dx_p = sum_i A_ip = [3, 1, -1]
    expect(run(g)).toEqual({ y: [-2, 4], dx: [3, 1, -1], inWasm: false });
    g.reset();
    expect(g.inWasm).toBe(true);
    expect(run(g)).toEqual({ y: [-2, 4], dx: [3, 1, -1], inWasm: true });
    // a tape told to stay out of wasm memory stays out
    const plain = new Graph({ wasm: false });
    run(plain);
    plain.reset();
    expect(plain.inWasm).toBe(false);
  });
});
