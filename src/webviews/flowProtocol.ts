/**
 * The Gradient Flow side view's messages: a small summary of the selected sentence's gradient
 * (log10 |dL/dh_t| per step and a verdict), or a hint about what to select.
 */
import type { BpttVerdict } from '../models/bptt';

export interface FlowSummary {
  sentence: string;
  words: string[];
  /** log10 |dL/dh_t| for t = 0..T */
  log10: number[];
  verdict: BpttVerdict;
}

export type ToFlowView =
  | { type: 'flow'; flow: FlowSummary }
  | { type: 'hint'; message: string };

export type FromFlowView = { type: 'ready' } | { type: 'openPanel' };

export function isFromFlowView(m: unknown): m is FromFlowView {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  return t === 'ready' || t === 'openPanel';
}
