/**
 * The BPTT trace of the lecture's RNN as plain JSON: per time step the forward values, dL/dh_t
 * from the engine, the local factor dh_t/dh_{t-1}, each step's share of dL/dW_h and dL/dW_i, and
 * flags. log10 |dL/dh_t| is carried as a sum of logs, so it stays exact where float64 gives 0 or ∞.
 */
import { Graph } from '../engine/graph';
import type { NodeId } from '../engine/tape';
import type { Tensor } from '../engine/tensor';
import { norm2 as norm, toNested } from '../engine/tensor';
import { softplus } from '../engine/ops';
import type { Nested } from '../engine/tensor';
import type { RnnModel } from './rnn';
import { buildRnn, hiddenSize, isScalar } from './rnn';

export type StepFlag = 'ok' | 'vanishing' | 'exploding' | 'dead' | 'cut' | 'saturated' | 'overflow';

export interface BpttStep {
  t: number;
  word?: string;
  /** the input x_t */
  x: Nested;
  a: Nested;
  h: Nested;
  /** dL/dh_t in float64, as the engine computed it */
  dLdh: Nested;
  /** log10 |dL/dh_t| (the Euclidean norm for vectors), exact beyond float64's range */
  log10dLdh: number;
  /** cell'(a_t): relu'(a_t) or 1 - h_t^2 */
  cellGrad: Nested;
  /** dh_t/dh_{t-1} = w_h cell'(a_t) for the scalar RNN; null for vectors (see jacobian, gain) */
  factor: number | null;
  /** |dL/dh_{t-1}| / |dL/dh_t|: how much this step scales the gradient on its way back */
  gain: number;
  /** diag(cell'(a_t)) W_h, for hidden sizes up to 8 */
  jacobian?: number[][];
  /** this step's term of the sums dL/dW_h = Σ_t dL/da_t h_{t-1}^T and dL/dW_i = Σ_t dL/da_t x_t^T */
  contribWh: Nested;
  contribWi: Nested;
  flag: StepFlag;
}

export interface BpttVerdict {
  kind: 'healthy' | 'vanishing' | 'exploding' | 'dead';
  message: string;
  /** the step whose factor is exactly 0 (dead ReLU), nearest the output */
  deadAt?: number;
}

export interface BpttTrace {
  cell: RnnModel['cell'];
  scalar: boolean;
  hidden: number;
  T: number;
  label: 0 | 1;
  /** the recurrent and output weights (numbers for the scalar RNN) */
  W_h: Nested;
  W_o: Nested;
  z: number;
  p: number;
  loss: number;
  h0: Nested;
  /** dL/dh_0 .. dL/dh_T and their log10 magnitudes */
  dL_dh: Nested[];
  log10_dL_dh: number[];
  steps: BpttStep[];
  grads: { W_h: Nested; W_i: Nested; W_o: Nested; h0: Nested; b?: Nested; x: Nested[] };
  /** first t whose h_t is not finite in float64 */
  overflowAt?: number;
  verdict: BpttVerdict;
}

export interface TraceOptions {
  reluAtZero?: number;
  words?: readonly string[];
  /** orders of magnitude lost (or gained) before a step is flagged vanishing (exploding); 3 by default */
  flagOrders?: number;
}

const LOG10E = Math.LOG10E;

function outer(u: Float64Array, v: Float64Array): number[][] {
  return Array.from(u, (ui) => Array.from(v, (vj) => (ui === 0 ? 0 : ui * vj)));
}

export function bpttTrace(model: RnnModel, opts: TraceOptions = {}): BpttTrace {
  const relu0 = opts.reluAtZero ?? 0;
  const orders = opts.flagOrders ?? 3;
  const g = new Graph({ reluAtZero: relu0 });
  const n = buildRnn(g, model);
  const grads = g.backward(n.loss);
  const scalar = isScalar(model), H = hiddenSize(model), T = model.x.length;
  const val = (id: NodeId): Float64Array => g.value(id).data;
  const nested = (t: Tensor): Nested => toNested(t);
  const Wh = model.W_h.data;
  const z = g.scalar(n.z);

  // log10 |dL/dz|: dL/dz = -sigmoid(-z) (happy) or sigmoid(z) (sad); log sigmoid(u) = -softplus(-u)
  const u = model.label === 1 ? -z : z;
  const log10dz = -softplus(-u) * LOG10E;
  const Wo = model.W_o.data;
  let v = Float64Array.from(Wo, (w) => (model.label === 1 ? -w : w)); // direction of dL/dh_T
  const woNorm = norm(v);
  if (woNorm > 0) v = v.map((x) => x / woNorm);
  // rel[t] = log10(|dL/dh_t| / |dL/dh_T|) as a sum of per-step log gains, kept apart from the
  // absolute log10 |dL/dh_T| (which can be -1e96 for a huge logit and would swallow the sum)
  const rel = new Array<number>(T + 1);
  rel[T] = 0;
  const cellGrads: Float64Array[] = [];
  const gains: number[] = [];
  let deadAt: number | undefined, saturatedAt: number | undefined, nanAt: number | undefined;
  for (let t = T; t >= 1; t--) {
    const a = val(n.a[t - 1]), h = val(n.h[t]);
    // relu'(a): 1 above 0, 0 below, the convention at 0, and NaN stays NaN (an overflowed forward pass)
    const cg = model.cell === 'relu' ? a.map((x) => (x > 0 ? 1 : x < 0 ? 0 : x === 0 ? relu0 : Number.NaN)) : h.map((y) => 1 - y * y);
    cellGrads[t] = cg;
    if (rel[t] === -Infinity || Number.isNaN(rel[t])) {
      // the path is already cut (or meaningless): nothing more to scale
      rel[t - 1] = rel[t];
      gains[t] = Number.isNaN(rel[t]) ? Number.NaN : 0;
      continue;
    }
    // v_{t-1} = J_t^T v_t with J_t = diag(cell'(a_t)) W_h, renormalized; rel carries the scale
    const next = new Float64Array(H);
    for (let i = 0; i < H; i++) {
      const w = cg[i] * v[i];
      if (w !== 0) for (let j = 0; j < H; j++) next[j] += Wh[i * H + j] * w;
    }
    const s = norm(next);
    gains[t] = s;
    if (Number.isNaN(s)) {
      nanAt ??= t;
      rel[t - 1] = Number.NaN;
    } else if (s === 0) {
      if (model.cell === 'relu') deadAt ??= t;
      else saturatedAt ??= t;
      rel[t - 1] = -Infinity;
    } else {
      rel[t - 1] = rel[t] + Math.log10(s);
      v = next.map((x) => x / s);
    }
  }
  const top = woNorm === 0 ? -Infinity : log10dz + Math.log10(woNorm);
  const logs = rel.map((r) => top + r);

  let overflowAt: number | undefined;
  const cutAt = deadAt ?? saturatedAt;
  const steps: BpttStep[] = [];
  for (let t = 1; t <= T; t++) {
    const h = val(n.h[t]), hPrev = val(n.h[t - 1]);
    if (overflowAt === undefined && !h.every(Number.isFinite)) overflowAt = t;
    const dLda = grads.get(n.a[t - 1]).data;
    const x = model.x[t - 1].data;
    // a step's flag describes what going back through it gives: dL/dh_{t-1}
    const r = rel[t - 1];
    const flag: StepFlag =
      Number.isNaN(r) || Number.isNaN(z) ? 'overflow'
      : top === -Infinity ? 'vanishing' // nothing enters the recurrence at all
      : t === deadAt ? 'dead'
      : t === saturatedAt ? 'saturated'
      : cutAt !== undefined && t < cutAt ? 'cut'
      : r < -orders ? 'vanishing'
      : r > orders ? 'exploding'
      : 'ok';
    const cg = cellGrads[t];
    steps.push({
      t,
      ...(opts.words?.[t - 1] !== undefined ? { word: opts.words[t - 1] } : {}),
      x: nested(model.x[t - 1]),
      a: nested(g.value(n.a[t - 1])),
      h: nested(g.value(n.h[t])),
      dLdh: nested(grads.get(n.h[t])),
      log10dLdh: logs[t],
      cellGrad: scalar ? cg[0] : Array.from(cg),
      factor: scalar ? Wh[0] * cg[0] : null,
      gain: gains[t],
      ...(!scalar && H <= 8 ? { jacobian: Array.from({ length: H }, (_r, i) => Array.from({ length: H }, (_c, j) => cg[i] * Wh[i * H + j])) } : {}),
      contribWh: scalar ? (dLda[0] === 0 ? 0 : dLda[0] * hPrev[0]) : outer(dLda, hPrev),
      contribWi: scalar ? (dLda[0] === 0 ? 0 : dLda[0] * x[0]) : outer(dLda, x),
      flag,
    });
  }

  const loss = g.scalar(n.loss);
  return {
    cell: model.cell,
    scalar,
    hidden: H,
    T,
    label: model.label,
    W_h: nested(model.W_h),
    W_o: nested(model.W_o),
    z,
    p: g.scalar(n.p),
    loss,
    h0: nested(model.h0),
    dL_dh: n.h.map((id) => nested(grads.get(id))),
    log10_dL_dh: logs,
    steps,
    grads: {
      W_h: nested(grads.get(n.params.W_h)),
      W_i: nested(grads.get(n.params.W_i)),
      W_o: nested(grads.get(n.params.W_o)),
      h0: nested(grads.get(n.params.h0)),
      ...(n.params.b !== undefined ? { b: nested(grads.get(n.params.b)) } : {}),
      x: n.params.x.map((id) => nested(grads.get(id))),
    },
    ...(overflowAt !== undefined ? { overflowAt } : {}),
    verdict: verdictOf({ model, logs, rel, deadAt, saturatedAt, steps, orders, overflowAt, nan: nanAt !== undefined || Number.isNaN(z), woZero: woNorm === 0 }),
  };
}

function fmtExp(l: number): string {
  return `10^${l >= 0 ? '+' : ''}${l.toFixed(1)}`;
}

interface VerdictInput {
  model: RnnModel;
  logs: number[];
  rel: number[];
  deadAt?: number;
  saturatedAt?: number;
  steps: BpttStep[];
  orders: number;
  overflowAt?: number;
  nan: boolean;
  woZero: boolean;
}

function verdictOf(v: VerdictInput): BpttVerdict {
  const { model, logs, rel, deadAt, saturatedAt, steps, orders, overflowAt } = v;
  const T = logs.length - 1;
  if (v.woZero) return { kind: 'vanishing', message: 'W_o = 0: the loss does not depend on h_T, so no gradient flows back at all.' };
  if (v.nan) {
    return {
      kind: 'exploding',
      message: `The forward pass overflows float64${overflowAt !== undefined ? ` at t = ${overflowAt}` : ''}: h_t becomes ∞ and then NaN, so the numbers from there on mean nothing. Lower w_h or shorten the sequence.`,
    };
  }
  if (logs[T] === -Infinity) {
    // p is exactly 1 (or 0) in float64: dL/dz = e^-z with z beyond float64, no exponent can hold it
    const why = overflowAt !== undefined ? `h_t overflows float64 from t = ${overflowAt}, so z = W_o · h_${T} is infinite` : `the logit z is so large`;
    return {
      kind: 'vanishing',
      message: `The output is saturated: ${why} and p = ${model.label === 1 ? 1 : 0} exactly, so dL/dz underflows to 0 (its true size has no float64 exponent): no gradient flows back at all.`,
    };
  }
  if (deadAt !== undefined) {
    const a = steps[deadAt - 1].a;
    const shown = typeof a === 'number' ? `a_${deadAt} = ${fmt(a)} ${a < 0 ? '<' : '='} 0, so relu'(a_${deadAt}) = 0` : `every entry of a_${deadAt} is ≤ 0, so relu'(a_${deadAt}) = 0`;
    const scalarWh = model.W_h.shape.length === 0 && model.W_h.data[0] === 0;
    return {
      kind: 'dead',
      deadAt,
      message: scalarWh
        ? `The gradient stops at t = ${deadAt} because w_h = 0.`
        : `The gradient stops at t = ${deadAt} because ${shown}: no gradient reaches h_0 … h_${deadAt - 1}.`,
    };
  }
  if (saturatedAt !== undefined) {
    return { kind: 'vanishing', message: `tanh saturates at t = ${saturatedAt}: 1 − h_${saturatedAt}² = 0 in float64, so no gradient reaches h_0 … h_${saturatedAt - 1}.` };
  }
  const r = rel[0];
  const under = logs[0] < -307 ? ` In float64 dL/dh_0 underflows to 0; its true size is ${fmtExp(logs[0])}.` : '';
  const over = logs[0] > 308 ? ` In float64 dL/dh_0 overflows; its true size is ${fmtExp(logs[0])}.` : '';
  if (r < -orders) return { kind: 'vanishing', message: `Vanishing: |dL/dh_0| is ${fmtExp(r)} times |dL/dh_${T}| after ${T} steps back.${under}` };
  if (r > orders) return { kind: 'exploding', message: `Exploding: |dL/dh_0| is ${fmtExp(r)} times |dL/dh_${T}| after ${T} steps back.${over}` };
  return { kind: 'healthy', message: `Healthy: |dL/dh_0| is within ${orders} orders of magnitude of |dL/dh_${T}| (${fmtExp(r)}).` };
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
