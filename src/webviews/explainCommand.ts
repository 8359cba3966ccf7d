/**
 * "Explain Gradient": the selected expression (or one typed in) opens the Explain panel. The text is
 * cut to its math (delimiters, comment marker, `name =`) and its document position kept, so the
 * panel can light up the source of any node. Parse errors show in the panel and as a notification.
 */
import * as vscode from 'vscode';
import { expressionFromSelection } from '../explain/selection';
import type { ExplainPanelOptions } from './explainProtocol';
import { settings } from './settings';

export const EXAMPLE_EXPRESSION = 'sigmoid(w*x + b)';

/** `given`: an expression passed by another feature (a homework claim's hover or CodeLens). */
export async function explainCommand(open: (o: ExplainPanelOptions) => void, given?: unknown): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const options = (expression: string): ExplainPanelOptions => ({ expression, values: {}, wrt: null, reluAtZero: settings().reluAtZero });
  if (typeof given === 'string' && given.trim() !== '') {
    open(options(given));
    return;
  }
  if (!editor || editor.selection.isEmpty) {
    const typed = await vscode.window.showInputBox({
      title: 'Gradient Lens: Explain Gradient',
      prompt: 'A math expression (plain text or LaTeX); or select one in the editor first',
      value: EXAMPLE_EXPRESSION,
    });
    if (typed !== undefined && typed.trim() !== '') open(options(typed));
    return;
  }
  const doc = editor.document;
  const sel = expressionFromSelection(doc.getText(editor.selection));
  const at = doc.positionAt(doc.offsetAt(editor.selection.start) + sel.offset);
  open({ ...options(sel.expression), source: { uri: doc.uri.toString(), line: at.line, character: at.character } });
}
