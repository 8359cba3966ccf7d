/**
 * The code stepper's messages: the shared panel shape (options in, a complete code trace out), plus
 * the cursor the webview reports as the student steps (the host lights up the statement in the
 * editor) and the steps the host asks for when the student steps from the editor's keybindings.
 */
import type { CodeTrace } from '../frontends/python/codeTrace';
import type { Nested } from '../engine/tensor';
import type { PanelFromView, PanelToView } from './panelProtocol';
import { isInt, isNum } from './panelProtocol';

export interface CodePanelOptions {
  /** the document's text when the command ran, and the selected lines (1-based) */
  text: string;
  lines?: { from: number; to: number };
  uri: string;
  /** document line = trace line - lineOffset: earlier notebook cells come first (> 0), or only the
   * selection was traced (< 0) */
  lineOffset?: number;
  /** "rnn.py, lines 4-25" */
  title: string;
  /** values the student typed for variables the code does not define: numbers or nested lists */
  values: Record<string, Nested>;
  reluAtZero: number;
}

export type ToCodeView = PanelToView<CodePanelOptions, { trace: CodeTrace }> | { type: 'step'; delta: number };
export type FromCodeView = PanelFromView<CodePanelOptions> | { type: 'cursor'; cursor: number };

export interface CodeViewState {
  options: CodePanelOptions;
  cursor: number;
}

export function isCodeOptions(o: unknown): o is CodePanelOptions {
  if (!o || typeof o !== 'object') return false;
  const v = o as Record<string, unknown>;
  const lines = v.lines as Record<string, unknown> | undefined;
  const values = v.values as Record<string, unknown> | undefined;
  return typeof v.text === 'string' && v.text.length <= 2_000_000
    && (lines === undefined || (!!lines && isInt(lines.from, 1, 1e7) && isInt(lines.to, 1, 1e7) && (lines.from as number) <= (lines.to as number)))
    && typeof v.uri === 'string' && typeof v.title === 'string' && v.title.length <= 500
    && (v.lineOffset === undefined || isInt(v.lineOffset, -1e7, 1e7))
    && !!values && typeof values === 'object' && Object.keys(values).length <= 200 && Object.values(values).every((x) => isNestedValue(x))
    && isNum(v.reluAtZero, 0, 1);
}

/** A typed value: a finite number or nested lists of them (at most 4 deep, 10,000 entries). */
export function isNestedValue(v: unknown, depth = 0, budget = { left: 10_000 }): v is Nested {
  if (typeof v === 'number') return isNum(v, -1e12, 1e12) && --budget.left >= 0;
  return Array.isArray(v) && depth < 4 && v.length > 0 && v.every((x) => isNestedValue(x, depth + 1, budget));
}

export function isCursorMessage(m: unknown): m is { type: 'cursor'; cursor: number } {
  return !!m && typeof m === 'object' && (m as { type?: unknown }).type === 'cursor' && isInt((m as { cursor?: unknown }).cursor, 0, 1e9);
}
