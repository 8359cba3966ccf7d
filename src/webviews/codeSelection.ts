/**
 * Which code "Step Through BPTT" traces: the selection in a Python file (with the file around it:
 * its imports, functions and earlier values), the whole file when nothing is selected, a notebook
 * cell with the code cells before it prepended (a function defined in an earlier cell works), or
 * code selected in another kind of file on its own. `lineOffset` maps trace lines to the document.
 */
import * as vscode from 'vscode';
import { codeLikeReason } from '../frontends/sentence';
import type { CodePanelOptions } from './codeProtocol';
import { settings } from './settings';

export function codeSelection(editor: vscode.TextEditor | undefined): CodePanelOptions | undefined {
  if (!editor) return undefined;
  const doc = editor.document, sel = editor.selection;
  const selected = sel.isEmpty ? '' : doc.getText(sel);
  const isPython = doc.languageId === 'python';
  if (!isPython && !(selected && codeLikeReason(selected))) return undefined;
  // earlier code cells of a notebook come first, so their imports and functions are defined
  let prefix = '';
  if (doc.uri.scheme === 'vscode-notebook-cell') {
    const nb = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === doc));
    const cells = nb?.getCells() ?? [];
    const k = cells.findIndex((c) => c.document === doc);
    prefix = cells.slice(0, Math.max(0, k)).filter((c) => c.kind === vscode.NotebookCellKind.Code).map((c) => `${c.document.getText()}\n`).join('');
  }
  if (!isPython) {
    // code selected in Markdown or a comment: trace the selected lines alone, dedented
    return {
      text: dedent(selected),
      lineOffset: -sel.start.line,
      uri: doc.uri.toString(),
      title: `${doc.uri.path.split('/').pop() ?? 'code'}, lines ${sel.start.line + 1}-${sel.end.line + 1}`,
      values: {},
      reluAtZero: settings().reluAtZero,
    };
  }
  const offset = prefix ? prefix.split('\n').length - 1 : 0;
  const lastLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line - 1 : sel.end.line;
  const lines = sel.isEmpty
    ? (offset ? { from: offset + 1, to: offset + doc.lineCount } : undefined)
    : { from: offset + sel.start.line + 1, to: offset + lastLine + 1 };
  const name = doc.uri.path.split('/').pop() ?? 'code';
  return {
    text: prefix + doc.getText(),
    ...(lines ? { lines } : {}),
    ...(offset ? { lineOffset: offset } : {}),
    uri: doc.uri.toString(),
    title: sel.isEmpty ? name : `${name}, lines ${sel.start.line + 1}-${lastLine + 1}`,
    values: {},
    reluAtZero: settings().reluAtZero,
  };
}

/** Code pasted into Markdown is often indented as a block: Python needs it at column 0. */
export function dedent(text: string): string {
  const indents = text.split('\n').filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = Math.min(...indents);
  return cut > 0 && Number.isFinite(cut) ? text.split('\n').map((l) => l.slice(Math.min(cut, /^[ \t]*/.exec(l)![0].length))).join('\n') : text;
}
