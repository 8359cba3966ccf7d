// AssemblyScript, compiled by scripts/buildWasm.mjs into src/engine/wasmBinary.ts (not TypeScript:
// tsconfig leaves this folder out). The matrix kernels of kernels.ts on the tape's arena,
// two float64 lanes at a time (f64x2). Every argument is an element offset (an index of a float64)
// into the one imported memory, which holds the tape's values and its gradients. Each product and
// sum is one IEEE multiply or add, as in the JS loops (no fused multiply-add), so 0 * Infinity is
// NaN here too; only the order of the additions differs (sums are formed in two lanes).

@inline function ld(i: i32): v128 { return v128.load(<usize>i << 3); }
@inline function st(i: i32, v: v128): void { v128.store(<usize>i << 3, v); }
@inline function ldf(i: i32): f64 { return load<f64>(<usize>i << 3); }
@inline function stf(i: i32, v: f64): void { store<f64>(<usize>i << 3, v); }
@inline function hsum(v: v128): f64 { return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1); }

/** y[o + i] = sum_p A[a + i k + p] x[x + p] for i < m: four rows at a time, then one at a time. */
export function matvecForward(a: i32, x: i32, o: i32, m: i32, k: i32): void {
  const k2 = k & ~1;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const r0 = a + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let p = 0;
    for (; p < k2; p += 2) {
      const xp = ld(x + p);
      s0 = f64x2.add(s0, f64x2.mul(ld(r0 + p), xp));
      s1 = f64x2.add(s1, f64x2.mul(ld(r1 + p), xp));
      s2 = f64x2.add(s2, f64x2.mul(ld(r2 + p), xp));
      s3 = f64x2.add(s3, f64x2.mul(ld(r3 + p), xp));
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
    if (p < k) {
      const xp = ldf(x + p);
      t0 += ldf(r0 + p) * xp;
      t1 += ldf(r1 + p) * xp;
      t2 += ldf(r2 + p) * xp;
      t3 += ldf(r3 + p) * xp;
    }
    stf(o + i, t0);
    stf(o + i + 1, t1);
    stf(o + i + 2, t2);
    stf(o + i + 3, t3);
  }
  for (; i < m; i++) {
    const r = a + i * k;
    let s = f64x2.splat(0);
    let p = 0;
    for (; p < k2; p += 2) s = f64x2.add(s, f64x2.mul(ld(r + p), ld(x + p)));
    let t = hsum(s);
    if (p < k) t += ldf(r + p) * ldf(x + p);
    stf(o + i, t);
  }
}

/**
 * The backward step of y = A x with upstream gradient g (m values at `g`), in one pass over A:
 * dA[ca + i k + p] += g_i x_p when ca >= 0, and dx[cx + p] += sum_i A[a + i k + p] g_i when cx >= 0.
 */
export function matvecBackward(a: i32, x: i32, m: i32, k: i32, g: i32, ca: i32, cx: i32): void {
  const k2 = k & ~1;
  let i = 0;
  if (ca >= 0 && cx >= 0) {
    for (; i + 3 < m; i += 4) {
      const h0 = ldf(g + i), h1 = ldf(g + i + 1), h2 = ldf(g + i + 2), h3 = ldf(g + i + 3);
      const g0 = f64x2.splat(h0), g1 = f64x2.splat(h1), g2 = f64x2.splat(h2), g3 = f64x2.splat(h3);
      const r0 = a + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
      const q0 = ca + i * k, q1 = q0 + k, q2 = q1 + k, q3 = q2 + k;
      let p = 0;
      for (; p < k2; p += 2) {
        const xp = ld(x + p);
        st(q0 + p, f64x2.add(ld(q0 + p), f64x2.mul(g0, xp)));
        st(q1 + p, f64x2.add(ld(q1 + p), f64x2.mul(g1, xp)));
        st(q2 + p, f64x2.add(ld(q2 + p), f64x2.mul(g2, xp)));
        st(q3 + p, f64x2.add(ld(q3 + p), f64x2.mul(g3, xp)));
        const s = f64x2.add(
          f64x2.add(f64x2.mul(ld(r0 + p), g0), f64x2.mul(ld(r1 + p), g1)),
          f64x2.add(f64x2.mul(ld(r2 + p), g2), f64x2.mul(ld(r3 + p), g3)));
        st(cx + p, f64x2.add(ld(cx + p), s));
      }
      if (p < k) {
        const xp = ldf(x + p);
        stf(q0 + p, ldf(q0 + p) + h0 * xp);
        stf(q1 + p, ldf(q1 + p) + h1 * xp);
        stf(q2 + p, ldf(q2 + p) + h2 * xp);
        stf(q3 + p, ldf(q3 + p) + h3 * xp);
        stf(cx + p, ldf(cx + p) + ((ldf(r0 + p) * h0 + ldf(r1 + p) * h1) + (ldf(r2 + p) * h2 + ldf(r3 + p) * h3)));
      }
    }
  }
  for (; i < m; i++) {
    const h = ldf(g + i), gv = f64x2.splat(h);
    const r = a + i * k, q = ca + i * k;
    let p = 0;
    if (ca >= 0) {
      for (; p < k2; p += 2) st(q + p, f64x2.add(ld(q + p), f64x2.mul(gv, ld(x + p))));
      if (p < k) stf(q + p, ldf(q + p) + h * ldf(x + p));
    }
    if (cx >= 0) {
      p = 0;
      for (; p < k2; p += 2) st(cx + p, f64x2.add(ld(cx + p), f64x2.mul(ld(r + p), gv)));
      if (p < k) stf(cx + p, ldf(cx + p) + ldf(r + p) * h);
    }
  }
}

/**
 * out[m x n] = A[m x k] B[k x n] (n > 1), overwriting out: four rows at a time, two columns per
 * lane pair; each entry sums over p in order, as the JS loop does.
 */
export function matmulForward(a: i32, b: i32, o: i32, m: i32, k: i32, n: i32): void {
  const n2 = n & ~1;
  memory.fill(<usize>o << 3, 0, <usize>(m * n) << 3);
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const o0 = o + i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    const a0 = a + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let p = 0; p < k; p++) {
      const y0 = ldf(a0 + p), y1 = ldf(a1 + p), y2 = ldf(a2 + p), y3 = ldf(a3 + p);
      const x0 = f64x2.splat(y0), x1 = f64x2.splat(y1), x2 = f64x2.splat(y2), x3 = f64x2.splat(y3);
      const bp = b + p * n;
      let j = 0;
      for (; j < n2; j += 2) {
        const y = ld(bp + j);
        st(o0 + j, f64x2.add(ld(o0 + j), f64x2.mul(x0, y)));
        st(o1 + j, f64x2.add(ld(o1 + j), f64x2.mul(x1, y)));
        st(o2 + j, f64x2.add(ld(o2 + j), f64x2.mul(x2, y)));
        st(o3 + j, f64x2.add(ld(o3 + j), f64x2.mul(x3, y)));
      }
      if (j < n) {
        const y = ldf(bp + j);
        stf(o0 + j, ldf(o0 + j) + y0 * y);
        stf(o1 + j, ldf(o1 + j) + y1 * y);
        stf(o2 + j, ldf(o2 + j) + y2 * y);
        stf(o3 + j, ldf(o3 + j) + y3 * y);
      }
    }
  }
  for (; i < m; i++) {
    const oi = o + i * n, ai = a + i * k;
    for (let p = 0; p < k; p++) {
      const y0 = ldf(ai + p), x = f64x2.splat(y0), bp = b + p * n;
      let j = 0;
      for (; j < n2; j += 2) st(oi + j, f64x2.add(ld(oi + j), f64x2.mul(x, ld(bp + j))));
      if (j < n) stf(oi + j, ldf(oi + j) + y0 * ldf(bp + j));
    }
  }
}

/**
 * The backward step of out = A B (n > 1) with upstream gradient G [m x n] at g:
 * dA[i][p] += sum_j G[i][j] B[p][j] when ca >= 0, dB[p][j] += sum_i A[i][p] G[i][j] when cb >= 0.
 */
export function matmulBackward(a: i32, b: i32, m: i32, k: i32, n: i32, g: i32, ca: i32, cb: i32): void {
  const n2 = n & ~1;
  if (ca >= 0) {
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const g0 = g + i * n, g1 = g0 + n, g2 = g1 + n, g3 = g2 + n;
      const q0 = ca + i * k, q1 = q0 + k, q2 = q1 + k, q3 = q2 + k;
      for (let p = 0; p < k; p++) {
        const bp = b + p * n;
        let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
        let j = 0;
        for (; j < n2; j += 2) {
          const y = ld(bp + j);
          s0 = f64x2.add(s0, f64x2.mul(ld(g0 + j), y));
          s1 = f64x2.add(s1, f64x2.mul(ld(g1 + j), y));
          s2 = f64x2.add(s2, f64x2.mul(ld(g2 + j), y));
          s3 = f64x2.add(s3, f64x2.mul(ld(g3 + j), y));
        }
        let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
        if (j < n) {
          const y = ldf(bp + j);
          t0 += ldf(g0 + j) * y;
          t1 += ldf(g1 + j) * y;
          t2 += ldf(g2 + j) * y;
          t3 += ldf(g3 + j) * y;
        }
        stf(q0 + p, ldf(q0 + p) + t0);
        stf(q1 + p, ldf(q1 + p) + t1);
        stf(q2 + p, ldf(q2 + p) + t2);
        stf(q3 + p, ldf(q3 + p) + t3);
      }
    }
    for (; i < m; i++) {
      const gi = g + i * n, q = ca + i * k;
      for (let p = 0; p < k; p++) {
        const bp = b + p * n;
        let s = f64x2.splat(0);
        let j = 0;
        for (; j < n2; j += 2) s = f64x2.add(s, f64x2.mul(ld(gi + j), ld(bp + j)));
        let t = hsum(s);
        if (j < n) t += ldf(gi + j) * ldf(bp + j);
        stf(q + p, ldf(q + p) + t);
      }
    }
  }
  if (cb >= 0) {
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const a0 = a + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
      const g0 = g + i * n, g1 = g0 + n, g2 = g1 + n, g3 = g2 + n;
      for (let p = 0; p < k; p++) {
        const y0 = ldf(a0 + p), y1 = ldf(a1 + p), y2 = ldf(a2 + p), y3 = ldf(a3 + p);
        const x0 = f64x2.splat(y0), x1 = f64x2.splat(y1), x2 = f64x2.splat(y2), x3 = f64x2.splat(y3);
        const q = cb + p * n;
        let j = 0;
        for (; j < n2; j += 2) {
          const s = f64x2.add(f64x2.add(f64x2.add(f64x2.mul(x0, ld(g0 + j)), f64x2.mul(x1, ld(g1 + j))), f64x2.mul(x2, ld(g2 + j))), f64x2.mul(x3, ld(g3 + j)));
          st(q + j, f64x2.add(ld(q + j), s));
        }
        if (j < n) stf(q + j, ldf(q + j) + (((y0 * ldf(g0 + j) + y1 * ldf(g1 + j)) + y2 * ldf(g2 + j)) + y3 * ldf(g3 + j)));
      }
    }
    for (; i < m; i++) {
      const ai = a + i * k, gi = g + i * n;
      for (let p = 0; p < k; p++) {
        const y0 = ldf(ai + p), x = f64x2.splat(y0), q = cb + p * n;
        let j = 0;
        for (; j < n2; j += 2) st(q + j, f64x2.add(ld(q + j), f64x2.mul(x, ld(gi + j))));
        if (j < n) stf(q + j, ldf(q + j) + y0 * ldf(gi + j));
      }
    }
  }
}
