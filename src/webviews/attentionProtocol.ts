/**
 * The attention panel's messages (the shared panel shape): a sentence's options and attention
 * trace, or selected code and the softmaxes it computed; the state its webview saves, and the
 * runtime guards for its options.
 */
import type { CodeAttention } from '../frontends/python/codeAttention';
import type { AttentionOptions, AttentionTrace } from '../frontends/sentenceAttention';
import type { PanelFromView, PanelToView } from './panelProtocol';
import { isInt, isNum } from './panelProtocol';

/** Inspect Attention on code: the document's text and the selected lines; the host traces them. */
export interface CodeAttentionPanelOptions {
  mode: 'code';
  text: string;
  /** 1-based, inclusive; absent: the whole text */
  lines?: { from: number; to: number };
  /** in a notebook, the earlier cells' lines before the cell's own (the text starts with them) */
  lineOffset?: number;
  /** "attention.py, lines 12-16" */
  title: string;
}

export type AttentionPanelOptions = AttentionOptions | CodeAttentionPanelOptions;

/** What the host computes: a sentence's trace (no mode: the original message), or the code's softmaxes. */
export type AttentionResult = { mode?: 'sentence'; trace: AttentionTrace } | { mode: 'code'; code: CodeAttention };

/** The host's kind answers code options with a code result and sentence options with a trace. */
export type ToAttentionView =
  | { type: 'trace'; mode?: 'sentence'; options: AttentionOptions; trace: AttentionTrace }
  | { type: 'trace'; mode: 'code'; options: CodeAttentionPanelOptions; code: CodeAttention }
  | Exclude<PanelToView<AttentionPanelOptions, AttentionResult>, { type: 'trace' }>;
export type FromAttentionView = PanelFromView<AttentionOptions>;

export interface AttentionViewState {
  options: AttentionPanelOptions;
  /** the layer shown, 1-based (code: the softmax whose row is selected, 1-based) */
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

export function isCodeAttentionOptions(o: unknown): o is CodeAttentionPanelOptions {
  if (!o || typeof o !== 'object') return false;
  const v = o as Record<string, unknown>, lines = v.lines as Record<string, unknown> | undefined;
  return v.mode === 'code' && typeof v.text === 'string' && v.text.length <= 2_000_000
    && (lines === undefined || (!!lines && typeof lines === 'object' && isInt(lines.from, 1, 1e7) && isInt(lines.to, 1, 1e7) && (lines.from as number) <= (lines.to as number)))
    && (v.lineOffset === undefined || isInt(v.lineOffset, 0, 1e7))
    && typeof v.title === 'string' && v.title.length <= 500;
}

export const isAttentionPanelOptions = (o: unknown): o is AttentionPanelOptions => isAttentionOptions(o) || isCodeAttentionOptions(o);
