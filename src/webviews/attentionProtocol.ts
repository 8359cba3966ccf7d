/**
 * The attention panel's messages (the shared panel shape with its options and an attention trace),
 * the state its webview saves, and the runtime guard for its options.
 */
import type { AttentionOptions, AttentionTrace } from '../frontends/sentenceAttention';
import type { PanelFromView, PanelToView } from './panelProtocol';
import { isFromPanelView, isInt, isNum } from './panelProtocol';

export type ToAttentionView = PanelToView<AttentionOptions, { trace: AttentionTrace }>;
export type FromAttentionView = PanelFromView<AttentionOptions>;

export interface AttentionViewState {
  options: AttentionOptions;
  /** the layer shown, 1-based */
  layer: number;
  /** the selected query row, if any */
  row: number | null;
}

function isVectors(v: unknown): boolean {
  if (v === undefined) return true;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length <= 1024 && entries.every(([k, x]) => k.length <= 200 && Array.isArray(x) && x.length <= 64 && x.every((n) => isNum(n, -1e6, 1e6)));
}

function isWeights(v: unknown): boolean {
  if (v === undefined) return true;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length <= 18 && entries.every(([k, x]) => /^W_[qkv]\[[1-6]\]$/.test(k) && Array.isArray(x) && x.length <= 4096 && x.every((n) => isNum(n, -1e6, 1e6)));
}

export function isAttentionOptions(o: unknown): o is AttentionOptions {
  if (!o || typeof o !== 'object') return false;
  const v = o as Record<string, unknown>;
  return typeof v.sentence === 'string' && v.sentence.length <= 100_000
    && (v.variant === 'free' || v.variant === 'scaled' || v.variant === 'qkv')
    && isInt(v.layers, 1, 6)
    && isInt(v.d, 1, 64)
    && typeof v.causal === 'boolean'
    && isNum(v.temperature, 0.01, 100)
    && (v.label === 'happy' || v.label === 'sad')
    && (v.seed === undefined || isInt(v.seed, 0, 2 ** 32))
    && isInt(v.length, 0, 1024)
    && isVectors(v.vectors)
    && isWeights(v.weights);
}
