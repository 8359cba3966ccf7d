/**
 * The Explain Gradient panel: an options panel whose host builds the explain trace (pure and fast:
 * no worker) and which also answers two messages of its own: highlight the source text of the node
 * under the mouse in the editor the expression came from, and copy the derivation.
 */
import * as vscode from 'vscode';
import { derivationLatex, derivationMarkdown } from '../explain/derivation';
import type { ExplainTrace } from '../explain/explainTrace';
import { explainTrace } from '../explain/explainTrace';
import type { ExplainPanelOptions } from './explainProtocol';
import { isExplainMessage, isExplainOptions } from './explainProtocol';
import type { PanelKind } from './optionsPanel';

const highlight = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
  borderColor: new vscode.ThemeColor('editor.findMatchBorder'),
  borderStyle: 'solid',
  borderWidth: '1px',
});

function showSpan(o: ExplainPanelOptions, span: { start: number; end: number } | null): void {
  const src = o.source;
  const editor = src && vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === src.uri);
  if (!editor || !src) return;
  if (!span) {
    editor.setDecorations(highlight, []);
    return;
  }
  const doc = editor.document;
  const base = doc.offsetAt(new vscode.Position(src.line, src.character));
  const range = new vscode.Range(doc.positionAt(base + span.start), doc.positionAt(base + span.end));
  // the document may have changed since: only highlight text that is still the expression's
  if (doc.getText(range) !== o.expression.slice(span.start, span.end)) return;
  editor.setDecorations(highlight, [range]);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export const EXPLAIN_PANEL: PanelKind<ExplainPanelOptions, { trace: ExplainTrace }> = {
  viewType: 'gradientLens.explain',
  view: 'explain',
  title: 'Explain',
  subject: (o) => o.expression,
  isOptions: isExplainOptions,
  async compute(_uri, o) {
    return { trace: explainTrace({ expression: o.expression, values: o.values, wrt: o.wrt ?? undefined, reluAtZero: o.reluAtZero }) };
  },
  receive(m, { options, result }) {
    if (!isExplainMessage(m)) return false;
    if (m.type === 'highlight') {
      showSpan(options, m.span);
    } else if (result) {
      const text = m.format === 'latex' ? derivationLatex(result.trace) : derivationMarkdown(result.trace);
      void vscode.env.clipboard.writeText(text).then(() => vscode.window.setStatusBarMessage(`Gradient Lens: derivation copied as ${m.format === 'latex' ? 'LaTeX' : 'Markdown'}`, 3000));
    }
    return true;
  },
  onActive(active) {
    if (!active) for (const e of vscode.window.visibleTextEditors) e.setDecorations(highlight, []);
  },
};
