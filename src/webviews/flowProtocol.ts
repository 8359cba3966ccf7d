/**
 * The Gradient Flow side view's messages: a small summary of the selected sentence's gradient
 * (log10 |dL/dh_t| per step and a verdict), the attention heatmap while the attention panel is
 * active, or a hint about what to select.
 */
import type { Matrix } from '../frontends/sentenceAttention';
import type { BpttVerdict } from '../models/bptt';

export interface FlowSummary {
  sentence: string;
  words: string[];
  /** log10 |dL/dh_t| for t = 0..T */
  log10: number[];
  verdict: BpttVerdict;
}

/** The attention panel's last layer, shown small while that panel is the active editor. */
export interface AttentionSummary {
  words: string[];
  A: Matrix;
  layer: number;
}

export type ToFlowView =
  | { type: 'flow'; flow: FlowSummary }
  | { type: 'attention'; attention: AttentionSummary }
  | { type: 'hint'; message: string };

export type FromFlowView = { type: 'ready' } | { type: 'openPanel' };

export function isFromFlowView(m: unknown): m is FromFlowView {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  return t === 'ready' || t === 'openPanel';
}
