/**
 * What one backward step shows: the chain-rule product for dL/dh_{t-1} with its numbers in LaTeX
 * (the factor just multiplied marked), the plain-text result, and the step's flag in words.
 * Cursor k = number of backward steps taken: 0 shows dL/dh_T, k shows dL/dh_{T-k}.
 */
import type { BpttStep, BpttTrace } from '../../models/bptt';
import { nestedNorm as norm } from '../../engine/tensor';
import { fmt, fmtPow10 } from './dom';
import { texNum } from './math';

export interface StepView {
  /** the hidden state whose gradient is shown */
  t: number;
  latex: string;
  /** e.g. "dL/dh_1 = -0.04843" */
  result: string;
  /** the full-precision value (the norm for vectors), for tests and screen readers */
  value: number;
  log10: number;
  note: string;
}

const dh = (t: number | string) => `\\frac{\\partial L}{\\partial h_{${t}}}`;
const mark = (s: string) => `\\htmlClass{gl-factor}{${s}}`;

/** A value as LaTeX; where float64 gave 0 or ∞ but the log says otherwise, the true size too. */
function texValue(x: number, log10: number): string {
  if ((x === 0 || !Number.isFinite(x)) && Number.isFinite(log10)) return `${texNum(x)}\\ \\text{(float64; true size } 10^{${log10.toFixed(1)}}\\text{)}`;
  return texNum(x);
}

function plainValue(x: number, log10: number): string {
  if ((x === 0 || !Number.isFinite(x)) && Number.isFinite(log10)) return `${fmt(x)} in float64 (true size ${fmtPow10(log10)})`;
  return fmt(x);
}

export function stepView(tr: BpttTrace, cursor: number): StepView {
  const T = tr.T, t = T - cursor;
  const value = tr.scalar ? (tr.dL_dh[t] as number) : norm(tr.dL_dh[t]);
  const log10 = tr.log10_dL_dh[t];
  const name = tr.scalar ? `dL/dh_${t}` : `|dL/dh_${t}|`;
  const result = `${name} = ${plainValue(value, log10)}`;
  const cellName = tr.cell === 'relu' ? (k: number) => `\\operatorname{relu}'(a_{${k}})` : (k: number) => `(1 - h_{${k}}^2)`;
  if (cursor === 0) {
    const dz = tr.label === 1 ? `-(1 - p)` : `p`;
    const latex = tr.scalar
      ? `${dh(T)} = \\frac{\\partial L}{\\partial z} \\cdot w_o = ${dz} \\cdot w_o = ${texNum(tr.label === 1 ? tr.p - 1 : tr.p)} \\cdot ${mark(texNum(tr.W_o as number))} = ${texValue(value, log10)}`
      : `\\left\\|${dh(T)}\\right\\| = \\left|\\frac{\\partial L}{\\partial z}\\right| \\, \\|W_o\\| = ${texValue(value, log10)}`;
    return { t, latex, result, value, log10, note: `Start at the output: the loss reaches h_${T} through z = W_o · h_${T}.` };
  }
  const s: BpttStep = tr.steps[t]; // the step from h_t to h_{t+1}, i.e. time step t + 1
  const up = tr.scalar ? (tr.dL_dh[t + 1] as number) : norm(tr.dL_dh[t + 1]);
  const upLog = tr.log10_dL_dh[t + 1];
  let latex: string;
  if (tr.scalar) {
    latex = `${dh(t)} = ${dh(t + 1)} \\cdot ${mark(`${cellName(t + 1)} \\cdot w_h`)} = ${texValue(up, upLog)} \\cdot ${mark(`${texNum(s.cellGrad as number)} \\cdot ${texNum(tr.W_h as number)}`)} = ${texValue(value, log10)}`;
  } else {
    latex = `\\left\\|${dh(t)}\\right\\| = \\left\\| W_h^\\top \\left(${cellName(t + 1)} \\odot ${dh(t + 1)}\\right) \\right\\| = ${mark(texNum(s.gain))} \\times ${texValue(up, upLog)} = ${texValue(value, log10)}`;
  }
  return { t, latex, result, value, log10, note: noteFor(tr, s) };
}

function noteFor(tr: BpttTrace, s: BpttStep): string {
  const k = s.t;
  switch (s.flag) {
    case 'dead': return tr.verdict.kind === 'dead' ? tr.verdict.message : `relu'(a_${k}) = 0: the gradient stops here.`;
    case 'saturated': return `tanh is saturated at t = ${k}: 1 - h_${k}^2 = 0 in float64, so nothing flows back.`;
    case 'cut': return `Nothing reaches h_${k - 1}: the path was cut further up.`;
    case 'overflow': return tr.verdict.message;
    case 'vanishing': return `Vanishing: |dL/dh_${k - 1}| is ${fmtPow10(tr.log10_dL_dh[k - 1] - tr.log10_dL_dh[tr.T])} times |dL/dh_${tr.T}|.`;
    case 'exploding': return `Exploding: |dL/dh_${k - 1}| is ${fmtPow10(tr.log10_dL_dh[k - 1] - tr.log10_dL_dh[tr.T])} times |dL/dh_${tr.T}|.`;
    case 'ok': return tr.scalar
      ? `Local factor dh_${k}/dh_${k - 1} = ${tr.cell === 'relu' ? `relu'(a_${k})` : `1 - h_${k}²`} · w_h = ${fmt(s.factor!)}.`
      : `This step scales the gradient's length by ${fmt(s.gain)}.`;
  }
}
