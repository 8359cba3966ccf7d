/**
 * The BPTT trace states the lecture's formulas: dL/dh_k = w_h^(n-k) prod relu'(a_j) dL/dh_n, weight
 * gradients as sums over time, dead ReLUs that cut the path, and true magnitudes beyond float64.
 */
import { describe, expect, it } from 'vitest';
import { scalar } from '../../src/engine/tensor';
import { bpttTrace } from '../../src/models/bptt';
import type { RnnModel } from '../../src/models/rnn';

function scalarRnn(x: number[], over: Partial<Record<'W_h' | 'W_i' | 'W_o' | 'h0', number>> & { cell?: 'relu' | 'tanh'; label?: 0 | 1 } = {}): RnnModel {
  return {
    cell: over.cell ?? 'relu',
    W_h: scalar(over.W_h ?? 0.5),
    W_i: scalar(over.W_i ?? 1),
    W_o: scalar(over.W_o ?? 1.5),
    h0: scalar(over.h0 ?? 0.2),
    x: x.map(scalar),
    label: over.label ?? 1,
  };
}

describe('scalar BPTT trace', () => {
  const llama = [0.8, 0.8, -0.3, 0.5]; // llama llama red pajama; every a_t > 0
  const tr = bpttTrace(scalarRnn(llama), { words: ['llama', 'llama', 'red', 'pajama'] });
  const dh = tr.dL_dh as number[];

  it('goes back one step at a time: dL/dh_{t-1} = dL/dh_t relu\'(a_t) w_h', () => {
    expect(tr.steps.map((s) => s.word)).toEqual(['llama', 'llama', 'red', 'pajama']);
    for (let t = 1; t <= 4; t++) {
      // every a_t > 0 here, so relu'(a_t) = 1 and the local factor is w_h itself
      expect(tr.steps[t - 1].a as number).toBeGreaterThan(0);
      expect(tr.steps[t - 1].factor).toBe(0.5);
      expect(dh[t - 1]).toBeAllclose(dh[t] * tr.steps[t - 1].factor!, { rtol: 1e-15 });
    }
    // the general form: dL/dh_0 = w_h^4 dL/dh_4 with every relu' = 1
    expect(dh[0]).toBeAllclose(0.5 ** 4 * dh[4], { rtol: 1e-14 });
    // dL/dh_4 = dL/dz w_o = -(1 - p) w_o for the happy label
    expect(dh[4]).toBeAllclose(-(1 - tr.p) * 1.5, { rtol: 1e-14 });
  });

  it('sums the weight gradient over every time step', () => {
    const sumWh = tr.steps.reduce((s, st) => s + (st.contribWh as number), 0);
    const sumWi = tr.steps.reduce((s, st) => s + (st.contribWi as number), 0);
    expect(sumWh).toBeAllclose(tr.grads.W_h, { rtol: 1e-14 });
    expect(sumWi).toBeAllclose(tr.grads.W_i, { rtol: 1e-14 });
    // dL/dw_h at step t = relu'(a_t) h_{t-1} dL/dh_t
    const h1 = tr.steps[0].h as number;
    expect(tr.steps[1].contribWh).toBeAllclose(h1 * dh[2], { rtol: 1e-14 });
  });

  it('carries log10 |dL/dh_t| as a sum of logs that agrees with float64 where both exist', () => {
    dh.forEach((d, t) => expect(tr.log10_dL_dh[t]).toBeAllclose(Math.log10(Math.abs(d)), { rtol: 1e-12 }));
    expect(tr.verdict.kind).toBe('healthy');
  });

  it('names the dead ReLU that cuts the path', () => {
    const dead = bpttTrace(scalarRnn([0.6, 0.4, -1.2, 0.7, 0.3]));
    // h_1 = 0.5 * 0.2 + 0.6 = 0.7, h_2 = 0.35 + 0.4 = 0.75, a_3 = 0.375 - 1.2 = -0.825 < 0
    expect(dead.verdict.kind).toBe('dead');
    expect(dead.verdict.deadAt).toBe(3);
    expect(dead.verdict.message).toBe("The gradient stops at t = 3 because a_3 = -0.825 < 0, so relu'(a_3) = 0: no gradient reaches h_0 … h_2.");
    expect(dead.steps.map((s) => s.flag)).toEqual(['cut', 'cut', 'dead', 'ok', 'ok']);
    expect((dead.dL_dh as number[]).slice(0, 3)).toEqual([0, 0, 0]);
  });

  it('reports the exact exponent at T = 10,000 where float64 underflows (w_h = 0.5)', () => {
    const long = bpttTrace(scalarRnn(new Array(10_000).fill(0.5), { W_h: 0.5 }));
    expect(long.dL_dh[0]).toBe(0); // float64 gives up
    const expected = long.log10_dL_dh[10_000] + 10_000 * Math.log10(0.5);
    expect(long.log10_dL_dh[0]).toBeAllclose(expected, { rtol: 1e-12 });
    expect(long.log10_dL_dh[0]).toBeAllclose(-3010.3 + long.log10_dL_dh[10_000], { rtol: 1e-5 });
    expect(long.verdict.kind).toBe('vanishing');
    expect(long.verdict.message).toContain('underflows to 0; its true size is 10^-30');
    expect(long.steps[0].flag).toBe('vanishing');
  });

  it('reports the exact exponent at T = 10,000 where float64 overflows (w_h = 1.5)', () => {
    const long = bpttTrace(scalarRnn(new Array(10_000).fill(0.5), { W_h: 1.5, label: 0 }));
    expect(long.overflowAt).toBeGreaterThan(1700);
    // sad label: dL/dz = p = 1, so dL/dh_T = w_o and dL/dh_0 = w_o 1.5^10000
    expect(long.log10_dL_dh[10_000]).toBeAllclose(Math.log10(1.5), { rtol: 1e-12 });
    expect(long.log10_dL_dh[0]).toBeAllclose(Math.log10(1.5) + 10_000 * Math.log10(1.5), { rtol: 1e-12 });
    expect(long.verdict.kind).toBe('exploding');
    expect(long.dL_dh[0]).toBe(Infinity); // float64 gives up
    expect(long.verdict.message).toContain('its true size is 10^+1761.1');
  });

  it('keeps the per-step exponents when the logit is huge but finite (|dL/dz| ~ 10^-1e96)', () => {
    // w_o = 1e97 makes z ~ 1e97 and log10 |dL/dz| ~ -4e96; 2,000 steps of w_h = 1.2 must still count
    const tr = bpttTrace(scalarRnn(new Array(2000).fill(0.5), { W_h: 1.2, W_o: 1e97, h0: 0.5, label: 1 }));
    expect(tr.verdict.kind).toBe('exploding');
    expect(tr.verdict.message).toMatch(/^Exploding: \|dL\/dh_0\| is 10\^\+158\.4 times/); // 2000 log10(1.2) = 158.36
  });

  it('reports an overflowing vector RNN as overflow, not as a dead ReLU (NaN stays NaN)', () => {
    // h_1 = [2e200, 1], h_2 = [∞, ∞], then a_3 = [∞ + ∞, ∞ − ∞] = [∞, NaN]
    const H = 2, W = { shape: [H, H], data: Float64Array.from([1e200, 1e200, 1e200, -1e200]) };
    const m: RnnModel = { cell: 'relu', W_h: W, W_i: { shape: [H, 1], data: Float64Array.from([1, 1]) }, W_o: { shape: [H], data: Float64Array.from([1, -1]) },
      h0: { shape: [H], data: Float64Array.from([1, 0]) }, x: [1, 1, 1, 1].map((v) => ({ shape: [1], data: Float64Array.of(v) })), label: 1 };
    const tr = bpttTrace(m);
    expect(tr.overflowAt).toBeDefined();
    expect(tr.verdict.kind).toBe('exploding');
    expect(tr.verdict.message).toMatch(/^The forward pass overflows float64 at t = \d: h_t becomes ∞ and then NaN/);
    expect(tr.steps.some((st) => st.flag === 'overflow')).toBe(true);
  });

  it('says W_o = 0 cuts everything, and names a saturated tanh', () => {
    expect(bpttTrace(scalarRnn([0.5, 0.5], { W_o: 0 })).verdict.message).toBe('W_o = 0: the loss does not depend on h_T, so no gradient flows back at all.');
    // tanh(40) = 1 exactly in float64, so 1 - h^2 = 0
    const sat = bpttTrace(scalarRnn([40, 0.1], { cell: 'tanh', W_h: 0.5 }));
    expect(sat.verdict.message).toBe('tanh saturates at t = 1: 1 − h_1² = 0 in float64, so no gradient reaches h_0 … h_0.');
    expect(sat.steps[0].flag).toBe('saturated');
  });

  it('calls a saturated output a vanishing gradient, never healthy', () => {
    // happy label, w_h = 1.5 over 10,000 steps: h overflows, z = ∞, p = 1, dL/dz = -e^-z underflows
    const sat = bpttTrace(scalarRnn(new Array(10_000).fill(0.5), { W_h: 1.5, label: 1 }));
    expect(sat.log10_dL_dh[10_000]).toBe(-Infinity);
    expect(sat.verdict.kind).toBe('vanishing');
    expect(sat.verdict.message).toMatch(/^The output is saturated: h_t overflows float64 from t = \d+, so z = W_o · h_10000 is infinite and p = 1 exactly/);
    expect(sat.steps.every((st) => st.flag === 'vanishing')).toBe(true);
  });

  it('computes a finite loss and gradient for a logit of 1e30', () => {
    for (const lab of [0, 1] as const) {
      const tr30 = bpttTrace(scalarRnn([1], { W_o: 1e30, W_h: 0, h0: 0, label: lab }));
      expect(Number.isFinite(tr30.loss)).toBe(true);
      expect(Object.values(tr30.grads).flat().every((v) => Number.isFinite(v as number))).toBe(true);
      // sad: L = softplus(z) = z; happy: L = softplus(-z) = 0
      expect(tr30.loss).toBe(lab === 0 ? 1e30 : 0);
    }
  });
});

describe('vector BPTT trace', () => {
  it('gives each step the Jacobian diag(cell\'(a_t)) W_h and the gain it applies', () => {
    const W_h = { shape: [2, 2], data: Float64Array.from([0.5, -0.3, 0.2, 0.4]) };
    const m: RnnModel = {
      cell: 'tanh', W_h, W_i: { shape: [2, 1], data: Float64Array.from([1, -1]) }, W_o: { shape: [2], data: Float64Array.from([1, 2]) },
      h0: { shape: [2], data: Float64Array.from([0.1, 0.2]) }, x: [0.5, -0.2, 0.9].map((v) => ({ shape: [1], data: Float64Array.of(v) })), label: 1,
    };
    const tr = bpttTrace(m);
    const dh = tr.dL_dh as number[][];
    for (let t = 1; t <= 3; t++) {
      const J = tr.steps[t - 1].jacobian!;
      // dL/dh_{t-1} = J_t^T dL/dh_t
      const back = [0, 1].map((j) => J[0][j] * dh[t][0] + J[1][j] * dh[t][1]);
      expect(back).toBeAllclose(dh[t - 1], { rtol: 1e-13 });
      expect(tr.steps[t - 1].gain).toBeAllclose(Math.hypot(...dh[t - 1]) / Math.hypot(...dh[t]), { rtol: 1e-12 });
    }
    const sum = tr.steps.reduce((acc, s) => acc.map((r, i) => r.map((v, j) => v + (s.contribWh as number[][])[i][j])), [[0, 0], [0, 0]]);
    expect(sum).toBeAllclose(tr.grads.W_h as number[][], { rtol: 1e-13 });
  });
});
