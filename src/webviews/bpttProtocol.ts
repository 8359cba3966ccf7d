/**
 * The BPTT panel's messages (the shared panel shape with its options and a complete trace) and the
 * runtime guards the host applies to every incoming message and to saved state.
 */
import type { BpttOptions } from '../frontends/sentenceBptt';
import type { BpttTrace } from '../models/bptt';
import type { PanelFromView, PanelToView } from './panelProtocol';
import { isInt, isNum } from './panelProtocol';

export type ToBpttView = PanelToView<BpttOptions, { words: string[]; trace: BpttTrace; maxWords: number }>;
export type FromBpttView = PanelFromView<BpttOptions>;

/** What the webview persists with setState, and the serializer hands back on reload. */
export interface BpttViewState {
  options: BpttOptions;
  cursor: number;
}

export function isBpttOptions(o: unknown): o is BpttOptions {
  if (!o || typeof o !== 'object') return false;
  const v = o as Record<string, unknown>;
  return typeof v.sentence === 'string' && v.sentence.length <= 100_000
    && (v.cell === 'relu' || v.cell === 'tanh')
    && isInt(v.hidden, 1, 16)
    && isNum(v.w_h, -10, 10)
    && (v.label === 'happy' || v.label === 'sad')
    && isInt(v.length, 0, 1_000_000)
    && isNum(v.reluAtZero, 0, 1)
    && (v.seed === undefined || isNum(v.seed, 0, 2 ** 32));
}
