// The workloads' sizes and their seeded inputs: every column (engine, floor, tfjs, torch) gets the
// very same numbers, so their losses and gradients can be compared before they are timed.
import { mulberry32, normal } from '../src/engine/random';

/** The lecture's scalar ReLU RNN: a_t = w_h h_{t-1} + w_i x_t, h_t = relu(a_t), z = w_o h_T. */
export interface W1Input {
  kind: 'W1';
  T: number;
  wh: number;
  wi: number;
  wo: number;
  h0: number;
  x: Float64Array;
}

/** Vector tanh RNN, H = D: a_t = W_h h_{t-1} + W_i x_t, h_t = tanh(a_t), z = w_o . h_T. Row-major. */
export interface W2Input {
  kind: 'W2';
  H: number;
  T: number;
  Wh: Float64Array;
  Wi: Float64Array;
  wo: Float64Array;
  h0: Float64Array;
  /** x_1..x_T, one row of H each */
  X: Float64Array;
}

export interface AttentionLayer {
  Wq: Float64Array;
  Wk: Float64Array;
  Wv: Float64Array;
}

/** Two stacked single-head attention layers X <- softmax(X Wq (X Wk)^T / sqrt d) X Wv, z = w_o . X[n-1]. */
export interface W3Input {
  kind: 'W3';
  n: number;
  d: number;
  X: Float64Array;
  layers: AttentionLayer[];
  wo: Float64Array;
}

export type WorkloadInput = W1Input | W2Input | W3Input;

/** One cell of the table: a workload at one size. */
export interface BenchCase {
  id: string;
  workload: 'W1' | 'W2' | 'W3';
  size: string;
  input: WorkloadInput;
}

export const W1_STEPS = [100, 1000, 10000];
export const W2_SIZES: readonly (readonly [H: number, T: number])[] = [[16, 50], [64, 100], [256, 100]];
export const W3_SIZES: readonly (readonly [n: number, d: number])[] = [[8, 16], [64, 64], [256, 64]];

/**
 * w_h = 0.99 and x_t > 0 keep every relu alive and h_T near 30-50; w_h^T = 0.99^10000 = 2e-44 keeps
 * dL/dh_0 representable in float64 at T = 10,000 (w_h = 0.9 would underflow it to exactly 0).
 */
export function w1Input(T: number, seed = 1): W1Input {
  const rand = mulberry32(seed);
  const x = new Float64Array(T);
  for (let t = 0; t < T; t++) x[t] = 0.5 + rand();
  return { kind: 'W1', T, wh: 0.99, wi: 0.5, wo: 0.05, h0: 0.1, x };
}

/** Weights ~ N(0, 1/H) so tanh does not saturate; inputs ~ N(0, 1). */
export function w2Input(H: number, T: number, seed = 2): W2Input {
  const n = normal(mulberry32(seed + H * 7919 + T));
  const fill = (len: number, std: number): Float64Array => Float64Array.from({ length: len }, () => std * n());
  const s = 1 / Math.sqrt(H);
  return { kind: 'W2', H, T, Wh: fill(H * H, s), Wi: fill(H * H, s), wo: fill(H, s), h0: fill(H, 0.5), X: fill(T * H, 1) };
}

/** Weights ~ N(0, 1/d), X ~ N(0, 1). */
export function w3Input(n: number, d: number, seed = 3): W3Input {
  const r = normal(mulberry32(seed + n * 7919 + d));
  const fill = (len: number, std: number): Float64Array => Float64Array.from({ length: len }, () => std * r());
  const s = 1 / Math.sqrt(d);
  const layers = [0, 1].map(() => ({ Wq: fill(d * d, s), Wk: fill(d * d, s), Wv: fill(d * d, s) }));
  return { kind: 'W3', n, d, X: fill(n * d, 1), layers, wo: fill(d, s) };
}

export function allCases(): BenchCase[] {
  return [
    ...W1_STEPS.map((T): BenchCase => ({ id: `W1 T=${T}`, workload: 'W1', size: `T=${T}`, input: w1Input(T) })),
    ...W2_SIZES.map(([H, T]): BenchCase => ({ id: `W2 H=${H},T=${T}`, workload: 'W2', size: `H=${H},T=${T}`, input: w2Input(H, T) })),
    ...W3_SIZES.map(([n, d]): BenchCase => ({ id: `W3 n=${n},d=${d}`, workload: 'W3', size: `n=${n},d=${d}`, input: w3Input(n, d) })),
  ];
}
