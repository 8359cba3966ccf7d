/**
 * The Explain Gradient panel's messages: the shared panel shape (options in, a complete trace out)
 * plus two of its own from the webview: highlight a node's source text in the editor, and copy the
 * derivation. The host checks every incoming message with these guards.
 */
import type { Span } from '../frontends/expression';
import type { ExplainTrace } from '../explain/explainTrace';
import type { PanelFromView, PanelToView } from './panelProtocol';
import { isInt, isNum } from './panelProtocol';

export interface ExplainPanelOptions {
  expression: string;
  /** values the student typed; the other variables get seeded defaults */
  values: Record<string, number>;
  /** the variable to differentiate by, or null for all */
  wrt: string | null;
  reluAtZero: number;
  /** where the expression starts in its document, for highlighting a node's source text */
  source?: { uri: string; line: number; character: number };
}

export type ToExplainView = PanelToView<ExplainPanelOptions, { trace: ExplainTrace }>;
export type FromExplainView =
  | PanelFromView<ExplainPanelOptions>
  | { type: 'highlight'; span: Span | null }
  | { type: 'copy'; format: 'latex' | 'markdown' };

export interface ExplainViewState {
  options: ExplainPanelOptions;
  cursor: number;
  /** the variable whose paths are listed */
  pathVar?: string;
}

export function isExplainOptions(o: unknown): o is ExplainPanelOptions {
  if (!o || typeof o !== 'object') return false;
  const v = o as Record<string, unknown>;
  const values = v.values as Record<string, unknown> | undefined;
  const source = v.source as Record<string, unknown> | undefined;
  return typeof v.expression === 'string' && v.expression.length <= 20_000
    && !!values && typeof values === 'object' && Object.keys(values).length <= 500
    && Object.values(values).every((x) => isNum(x, -1e12, 1e12))
    && (v.wrt === null || (typeof v.wrt === 'string' && v.wrt.length <= 100))
    && isNum(v.reluAtZero, 0, 1)
    && (source === undefined || (typeof source === 'object' && typeof source.uri === 'string' && isInt(source.line, 0, 1e9) && isInt(source.character, 0, 1e9)));
}

/** The panel's own messages (the shared ones are checked by isFromPanelView). */
export function isExplainMessage(m: unknown): m is Exclude<FromExplainView, PanelFromView<ExplainPanelOptions>> {
  if (!m || typeof m !== 'object') return false;
  const v = m as Record<string, unknown>;
  switch (v.type) {
    case 'highlight': {
      const s = v.span as Record<string, unknown> | null;
      return s === null || (!!s && typeof s === 'object' && isInt(s.start, 0, 1e6) && isInt(s.end, 0, 1e6) && (s.start as number) <= (s.end as number));
    }
    case 'copy': return v.format === 'latex' || v.format === 'markdown';
    default: return false;
  }
}
