/**
 * The BPTT panel's messages: what the host sends (a complete trace, or why there is none) and what
 * the webview sends (ready, new options, show a step in the editor's status). Both sides switch
 * exhaustively; the host checks every incoming message with isFromBpttView.
 */
import type { BpttOptions } from '../frontends/sentenceBptt';
import type { BpttTrace } from '../models/bptt';

export type ToBpttView =
  | { type: 'trace'; options: BpttOptions; words: string[]; trace: BpttTrace; maxWords: number }
  | { type: 'busy'; options: BpttOptions; message: string }
  | { type: 'error'; options: BpttOptions; message: string };

export type FromBpttView =
  | { type: 'ready' }
  | { type: 'setOptions'; options: BpttOptions };

/** What the webview persists with setState, and the serializer hands back on reload. */
export interface BpttViewState {
  options: BpttOptions;
  cursor: number;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}

const isNum = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;

export function isBpttOptions(o: unknown): o is BpttOptions {
  if (!o || typeof o !== 'object') return false;
  const v = o as Record<string, unknown>;
  return typeof v.sentence === 'string' && v.sentence.length <= 100_000
    && (v.cell === 'relu' || v.cell === 'tanh')
    && isNum(v.hidden, 1, 64) && Number.isInteger(v.hidden)
    && isNum(v.w_h, -10, 10)
    && (v.label === 'happy' || v.label === 'sad')
    && isNum(v.length, 0, 1_000_000) && Number.isInteger(v.length)
    && isNum(v.reluAtZero, 0, 1)
    && (v.seed === undefined || isNum(v.seed, 0, 2 ** 32));
}

export function isFromBpttView(m: unknown): m is FromBpttView {
  if (!m || typeof m !== 'object') return false;
  const v = m as Record<string, unknown>;
  switch (v.type) {
    case 'ready': return true;
    case 'setOptions': return isBpttOptions(v.options);
    default: return false;
  }
}

export function isBpttViewState(s: unknown): s is BpttViewState {
  return !!s && typeof s === 'object' && isBpttOptions((s as BpttViewState).options) && typeof (s as BpttViewState).cursor === 'number';
}
