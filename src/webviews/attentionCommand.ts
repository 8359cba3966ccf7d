/**
 * Inspect Attention: a selection in a Python document or notebook cell (the whole file when nothing
 * is selected), or selected text that reads as code, opens the panel's code mode; anything else is
 * a sentence, as before.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { attentionWords, defaultAttentionOptions } from '../frontends/sentenceAttention';
import type { AttentionPanelOptions, CodeAttentionPanelOptions } from './attentionProtocol';
import { codeSelection, dedent } from './codeSelection';
import { sentenceCommand } from './sentenceCommand';

/** Python: the same selection as Step Through BPTT (notebook cells included); other code-like text as selected. */
function codeOptions(editor: vscode.TextEditor | undefined): CodeAttentionPanelOptions | undefined {
  const c = codeSelection(editor);
  if (!c || !editor) return undefined;
  if (editor.document.languageId === 'python') return { mode: 'code', text: c.text, ...(c.lines ? { lines: c.lines } : {}), ...(c.lineOffset ? { lineOffset: c.lineOffset } : {}), title: c.title };
  return { mode: 'code', text: dedent(editor.document.getText(editor.selection)), title: `code in ${path.basename(editor.document.fileName)}` };
}

export async function attentionCommand(show: (o: AttentionPanelOptions) => void): Promise<void> {
  const code = codeOptions(vscode.window.activeTextEditor);
  if (code) return show(code);
  await sentenceCommand('Gradient Lens: Inspect Attention', (t) => attentionWords(defaultAttentionOptions(t)), (t) => show(defaultAttentionOptions(t)));
}
