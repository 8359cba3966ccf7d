// The floor column: hand-written BPTT for W1 and W2 with Float64Arrays allocated once, forward then
// backward, the same math and the same gradients as the engine: the speed the engine is compared to.
import type { CaseRunner, GradResult } from './compare';
import type { W1Input, W2Input, WorkloadInput } from './inputs';

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function w1Floor(p: W1Input): CaseRunner {
  const { T, x, wh, wi, wo } = p;
  const h = new Float64Array(T + 1);
  const out = { loss: 0, wh: 0, wi: 0, wo: 0, h0: 0 };
  const run = (): void => {
    h[0] = p.h0;
    for (let t = 1; t <= T; t++) {
      const a = wh * h[t - 1] + wi * x[t - 1];
      h[t] = a > 0 ? a : 0;
    }
    const z = wo * h[T];
    out.loss = softplus(-z);
    // L = softplus(-z): dL/dz = -sigmoid(-z)
    const dz = -sigmoid(-z);
    out.wo = dz * h[T];
    let dh = dz * wo, dwh = 0, dwi = 0;
    for (let t = T; t >= 1; t--) {
      const da = h[t] > 0 ? dh : 0; // relu'(0) = 0, as the engine's default
      dwh += da * h[t - 1];
      dwi += da * x[t - 1];
      dh = da * wh;
    }
    out.wh = dwh;
    out.wi = dwi;
    out.h0 = dh;
  };
  return {
    run,
    result(): GradResult {
      run();
      return { loss: out.loss, grads: { wh: [out.wh], wi: [out.wi], wo: [out.wo], h0: [out.h0] } };
    },
  };
}

/** h_t = tanh(W_h h_{t-1} + W_i x_t) for one step; h_{t-1} at hs[hp], h_t to hs[ho], x_t at X[xo]. */
function w2Forward(H: number, Wh: Float64Array, Wi: Float64Array, hs: Float64Array, hp: number, ho: number, X: Float64Array, xo: number): void {
  for (let i = 0; i < H; i++) {
    const r = i * H;
    let u = 0, v = 0;
    for (let j = 0; j < H; j++) u += Wh[r + j] * hs[hp + j];
    for (let j = 0; j < H; j++) v += Wi[r + j] * X[xo + j];
    hs[ho + i] = Math.tanh(u + v);
  }
}

/**
 * One step back, given da = dL/da_t: one pass over each weight row adds its gradient row
 * (da_i h_{t-1}, da_i x_t) and its share of dh_{t-1} = W_h^T da and dx_t = W_i^T da.
 */
function w2Backward(
  H: number, Wh: Float64Array, Wi: Float64Array, dWh: Float64Array, dWi: Float64Array,
  hs: Float64Array, hp: number, X: Float64Array, xo: number, da: Float64Array, dhPrev: Float64Array, dX: Float64Array,
): void {
  dhPrev.fill(0);
  dX.fill(0, xo, xo + H);
  for (let i = 0; i < H; i++) {
    const r = i * H, g = da[i];
    for (let j = 0; j < H; j++) {
      dWh[r + j] += g * hs[hp + j];
      dhPrev[j] += Wh[r + j] * g;
    }
    for (let j = 0; j < H; j++) {
      dWi[r + j] += g * X[xo + j];
      dX[xo + j] += Wi[r + j] * g;
    }
  }
}

function w2Floor(p: W2Input): CaseRunner {
  const { H, T, Wh, Wi, wo, X } = p;
  const hs = new Float64Array((T + 1) * H); // h_0..h_T
  const dWh = new Float64Array(H * H), dWi = new Float64Array(H * H), dX = new Float64Array(T * H);
  const dwo = new Float64Array(H), da = new Float64Array(H);
  const bufs = [new Float64Array(H), new Float64Array(H)];
  let loss = 0, dh = bufs[0];
  const run = (): void => {
    hs.set(p.h0, 0);
    for (let t = 1; t <= T; t++) w2Forward(H, Wh, Wi, hs, (t - 1) * H, t * H, X, (t - 1) * H);
    let z = 0;
    const hT = T * H;
    for (let j = 0; j < H; j++) z += wo[j] * hs[hT + j];
    loss = softplus(-z);
    const dz = -sigmoid(-z);
    dh = bufs[0];
    for (let j = 0; j < H; j++) {
      dwo[j] = dz * hs[hT + j];
      dh[j] = dz * wo[j];
    }
    dWh.fill(0);
    dWi.fill(0);
    for (let t = T; t >= 1; t--) {
      const ho = t * H;
      for (let i = 0; i < H; i++) {
        const y = hs[ho + i];
        da[i] = dh[i] * (1 - y * y);
      }
      const dhPrev = dh === bufs[0] ? bufs[1] : bufs[0];
      w2Backward(H, Wh, Wi, dWh, dWi, hs, (t - 1) * H, X, (t - 1) * H, da, dhPrev, dX);
      dh = dhPrev;
    }
  };
  return {
    run,
    result(): GradResult {
      run();
      return {
        loss,
        grads: { Wh: dWh.slice(), Wi: dWi.slice(), wo: dwo.slice(), h0: dh.slice(), x1: dX.slice(0, H) },
      };
    },
  };
}

/** The floor for W1 and W2; undefined for W3 (no hand-written attention backward). */
export function floorRunner(input: WorkloadInput): CaseRunner | undefined {
  switch (input.kind) {
    case 'W1': return w1Floor(input);
    case 'W2': return w2Floor(input);
    case 'W3': return undefined;
  }
}
