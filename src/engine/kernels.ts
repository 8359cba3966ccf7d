/**
 * The loops behind matmul and the row-wise ops, on a float64 arena by offset. Matmul blocks four
 * rows at a time so each loaded value is used four times (about 3x a naive loop in V8); matrix-
 * vector and matrix-matrix products run in WebAssembly SIMD when the arena is a tape's wasm memory.
 */
import type { WasmKernels } from './wasmKernels';
import { kernelsOn } from './wasmKernels';

/** Index of element 0 of `arr` in its buffer, counted in float64s. */
const base = (arr: Float64Array): number => arr.byteOffset >>> 3;

/**
 * The wasm kernels for a backward step, if V, the upstream gradient and both contribution arrays
 * are in one tape's wasm memory (the tape's backward pass; backwardSteps' own buffers are not).
 */
function kernelsForBackward(V: Float64Array, G: Float64Array, CA: Float64Array | null, CB: Float64Array | null): WasmKernels | undefined {
  const buf = V.buffer;
  return G.buffer === buf && (!CA || CA.buffer === buf) && (!CB || CB.buffer === buf) ? kernelsOn(buf) : undefined;
}

/** out[m x n] = A[m x k] B[k x n]; out is overwritten (in WebAssembly when V is a tape's wasm memory). */
export function matmulForward(V: Float64Array, a: number, b: number, o: number, m: number, k: number, n: number): void {
  if (n === 1) return matvecForward(V, a, b, o, m, k);
  const w = kernelsOn(V.buffer);
  if (w) return w.matmulForward(base(V) + a, base(V) + b, base(V) + o, m, k, n);
  V.fill(0, o, o + m * n);
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const o0 = o + i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    const a0 = a + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let p = 0; p < k; p++) {
      const x0 = V[a0 + p], x1 = V[a1 + p], x2 = V[a2 + p], x3 = V[a3 + p];
      const bp = b + p * n;
      for (let j = 0; j < n; j++) {
        const y = V[bp + j];
        V[o0 + j] += x0 * y;
        V[o1 + j] += x1 * y;
        V[o2 + j] += x2 * y;
        V[o3 + j] += x3 * y;
      }
    }
  }
  for (; i < m; i++) {
    const oi = o + i * n, ai = a + i * k;
    for (let p = 0; p < k; p++) {
      const x = V[ai + p], bp = b + p * n;
      for (let j = 0; j < n; j++) V[oi + j] += x * V[bp + j];
    }
  }
}

/**
 * Contributions of out = A B: dA += G B^T (into CA at ca) and dB += A^T G (into CB at cb).
 * G is the upstream gradient [m x n] at offset g in array G.
 */
export function matmulBackward(
  V: Float64Array, a: number, b: number, m: number, k: number, n: number,
  G: Float64Array, g: number,
  CA: Float64Array | null, ca: number, CB: Float64Array | null, cb: number,
): void {
  if (n === 1) return matvecBackward(V, a, b, m, k, G, g, CA, ca, CB, cb);
  const w = kernelsForBackward(V, G, CA, CB);
  if (w) {
    return w.matmulBackward(base(V) + a, base(V) + b, m, k, n, base(G) + g, CA ? base(CA) + ca : -1, CB ? base(CB) + cb : -1);
  }
  if (CA) {
    // dA[i][p] = sum_j G[i][j] B[p][j], four rows of G at a time so each B entry is loaded once
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const g0 = g + i * n, g1 = g0 + n, g2 = g1 + n, g3 = g2 + n;
      const q0 = ca + i * k, q1 = q0 + k, q2 = q1 + k, q3 = q2 + k;
      for (let p = 0; p < k; p++) {
        const bp = b + p * n;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let j = 0; j < n; j++) {
          const y = V[bp + j];
          s0 += G[g0 + j] * y;
          s1 += G[g1 + j] * y;
          s2 += G[g2 + j] * y;
          s3 += G[g3 + j] * y;
        }
        CA[q0 + p] += s0;
        CA[q1 + p] += s1;
        CA[q2 + p] += s2;
        CA[q3 + p] += s3;
      }
    }
    for (; i < m; i++) {
      const gi = g + i * n, q = ca + i * k;
      for (let p = 0; p < k; p++) {
        const bp = b + p * n;
        let s = 0;
        for (let j = 0; j < n; j++) s += G[gi + j] * V[bp + j];
        CA[q + p] += s;
      }
    }
  }
  if (CB) {
    // dB[p][j] = sum_i A[i][p] G[i][j], four rows of A at a time
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const a0 = a + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
      const g0 = g + i * n, g1 = g0 + n, g2 = g1 + n, g3 = g2 + n;
      for (let p = 0; p < k; p++) {
        const x0 = V[a0 + p], x1 = V[a1 + p], x2 = V[a2 + p], x3 = V[a3 + p];
        const q = cb + p * n;
        for (let j = 0; j < n; j++) CB[q + j] += x0 * G[g0 + j] + x1 * G[g1 + j] + x2 * G[g2 + j] + x3 * G[g3 + j];
      }
    }
    for (; i < m; i++) {
      const ai = a + i * k, gi = g + i * n;
      for (let p = 0; p < k; p++) {
        const x = V[ai + p], q = cb + p * n;
        for (let j = 0; j < n; j++) CB[q + j] += x * G[gi + j];
      }
    }
  }
}

/**
 * y[m] = A[m x k] x[k]: in WebAssembly when V lives in a tape's wasm memory (wasmKernels.ts),
 * else eight rows at a time so each x_p is loaded once per eight rows.
 */
function matvecForward(V: Float64Array, a: number, x: number, o: number, m: number, k: number): void {
  const w = kernelsOn(V.buffer);
  if (w) return w.matvecForward(base(V) + a, base(V) + x, base(V) + o, m, k);
  let i = 0;
  for (; i + 7 < m; i += 8) {
    const r0 = a + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k, r4 = r3 + k, r5 = r4 + k, r6 = r5 + k, r7 = r6 + k;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let p = 0; p < k; p++) {
      const xp = V[x + p];
      s0 += V[r0 + p] * xp;
      s1 += V[r1 + p] * xp;
      s2 += V[r2 + p] * xp;
      s3 += V[r3 + p] * xp;
      s4 += V[r4 + p] * xp;
      s5 += V[r5 + p] * xp;
      s6 += V[r6 + p] * xp;
      s7 += V[r7 + p] * xp;
    }
    V[o + i] = s0;
    V[o + i + 1] = s1;
    V[o + i + 2] = s2;
    V[o + i + 3] = s3;
    V[o + i + 4] = s4;
    V[o + i + 5] = s5;
    V[o + i + 6] = s6;
    V[o + i + 7] = s7;
  }
  for (; i < m; i++) {
    const r = a + i * k;
    let s = 0;
    for (let p = 0; p < k; p++) s += V[r + p] * V[x + p];
    V[o + i] = s;
  }
}

/**
 * y = A x: one pass over rows of A gives dA[i][p] += g_i x_p and dx_p += A[i][p] g_i; eight rows
 * at a time so x_p and dx_p are loaded once per eight rows.
 */
function matvecBackward(
  V: Float64Array, a: number, x: number, m: number, k: number, G: Float64Array, g: number,
  CA: Float64Array | null, ca: number, CX: Float64Array | null, cx: number,
): void {
  const w = kernelsForBackward(V, G, CA, CX);
  if (w) {
    return w.matvecBackward(base(V) + a, base(V) + x, m, k, base(G) + g, CA ? base(CA) + ca : -1, CX ? base(CX) + cx : -1);
  }
  let i = 0;
  if (CA && CX) {
    for (; i + 7 < m; i += 8) {
      const g0 = G[g + i], g1 = G[g + i + 1], g2 = G[g + i + 2], g3 = G[g + i + 3];
      const g4 = G[g + i + 4], g5 = G[g + i + 5], g6 = G[g + i + 6], g7 = G[g + i + 7];
      const r0 = a + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k, r4 = r3 + k, r5 = r4 + k, r6 = r5 + k, r7 = r6 + k;
      const q0 = ca + i * k, q1 = q0 + k, q2 = q1 + k, q3 = q2 + k, q4 = q3 + k, q5 = q4 + k, q6 = q5 + k, q7 = q6 + k;
      for (let p = 0; p < k; p++) {
        const xp = V[x + p];
        CA[q0 + p] += g0 * xp;
        CA[q1 + p] += g1 * xp;
        CA[q2 + p] += g2 * xp;
        CA[q3 + p] += g3 * xp;
        CA[q4 + p] += g4 * xp;
        CA[q5 + p] += g5 * xp;
        CA[q6 + p] += g6 * xp;
        CA[q7 + p] += g7 * xp;
        CX[cx + p] += V[r0 + p] * g0 + V[r1 + p] * g1 + V[r2 + p] * g2 + V[r3 + p] * g3
          + V[r4 + p] * g4 + V[r5 + p] * g5 + V[r6 + p] * g6 + V[r7 + p] * g7;
      }
    }
  }
  for (; i < m; i++) {
    // no shortcut for g_i = 0: 0 * Inf is NaN here as in the blocks (and in PyTorch)
    const gi = G[g + i];
    const r = a + i * k, q = ca + i * k;
    if (CA) for (let p = 0; p < k; p++) CA[q + p] += gi * V[x + p];
    if (CX) for (let p = 0; p < k; p++) CX[cx + p] += V[r + p] * gi;
  }
}

/** Softmax (or log-softmax) of each contiguous row of length w. */
export function softmaxRows(V: Float64Array, x: number, o: number, n: number, w: number, log: boolean): void {
  for (let r = 0; r < n; r += w) {
    let mx = -Infinity;
    for (let j = 0; j < w; j++) mx = Math.max(mx, V[x + r + j]);
    let s = 0;
    for (let j = 0; j < w; j++) s += Math.exp(V[x + r + j] - mx);
    if (log) {
      // (x - max) - log s, not x - (max + log s): the latter loses everything for logits near 1e16
      const ls = Math.log(s);
      for (let j = 0; j < w; j++) V[o + r + j] = V[x + r + j] - mx - ls;
    } else {
      for (let j = 0; j < w; j++) V[o + r + j] = Math.exp(V[x + r + j] - mx) / s;
    }
  }
}
