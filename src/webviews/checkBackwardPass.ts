/**
 * "Gradient Lens: Check Backward Pass" in the editor: checks the hand-written gradients of a Python
 * file, a selection, the function under the cursor, or a notebook down to the active cell, and puts a
 * warning on each line that computes a wrong one. A translator around checkOutcome (pure).
 */
import * as vscode from 'vscode';
import type { SourceRange } from '../engine/tape';
import { joinCells, rangeInCell } from '../frontends/python/cellText';
import type { CheckOutcome, CheckReport } from '../frontends/python/checkOutcome';
import { FAILURE_CODE, assignmentLine, failureText, pickRow, summaryText, wrongGradientMessage } from '../frontends/python/checkReport';
import { checkScope } from '../frontends/python/checkScope';
import { Cancelled, runInBackground } from './traceRunner';

/** What is checked: one document, or a notebook's code cells down to the active one, joined. */
interface Target {
  key: string;
  text: string;
  /** the documents (cells) in order, with the joined text's line where each starts */
  docs: vscode.TextDocument[];
  starts: number[];
  /** the active document's first line in the joined text */
  offset: number;
}

function targetOf(editor: vscode.TextEditor): Target | undefined {
  const doc = editor.document;
  if (doc.uri.scheme !== 'vscode-notebook-cell') return { key: doc.uri.toString(), text: doc.getText(), docs: [doc], starts: [0], offset: 0 };
  const nb = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === doc));
  if (!nb) return undefined;
  const active = nb.getCells().findIndex((c) => c.document === doc);
  const cells = nb.getCells().filter((c, i) => c.kind === vscode.NotebookCellKind.Code && i <= active);
  const { text, starts } = joinCells(cells.map((c) => c.document.getText()));
  const docs = cells.map((c) => c.document);
  return { key: nb.uri.toString(), text, docs, starts, offset: starts[docs.indexOf(doc)] };
}

export function registerCheckBackwardPass(context: vscode.ExtensionContext): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('gradientLens.checkBackward');
  /** each check's documents that hold its diagnostics, by target (a file or a notebook) */
  const runs = new Map<string, vscode.Uri[]>();
  const running = new Map<string, AbortController>();
  const clear = (key: string): void => {
    for (const uri of runs.get(key) ?? []) diagnostics.delete(uri);
    runs.delete(key);
  };
  const clearFor = (uri: vscode.Uri): void => {
    for (const [key, uris] of runs) if (key === uri.toString() || uris.some((u) => u.toString() === uri.toString())) clear(key);
  };

  const place = (t: Target, r: SourceRange): { doc: vscode.TextDocument; range: vscode.Range } => {
    const { cell, range } = rangeInCell(t.starts, r);
    const doc = t.docs[cell];
    return { doc, range: doc.validateRange(new vscode.Range(range.line, range.col, range.endLine, range.endCol)) };
  };
  const where = (t: Target, line: number): string => {
    const { doc, range } = place(t, { line, col: 0, endLine: line, endCol: 0 });
    return t.docs.length > 1 ? `code cell ${t.docs.indexOf(doc) + 1}, line ${range.start.line + 1}` : `line ${line + 1}`;
  };
  const publish = (t: Target, found: { doc: vscode.TextDocument; diagnostic: vscode.Diagnostic }[]): void => {
    clear(t.key);
    const uris = t.docs.map((d) => d.uri);
    for (const uri of uris) diagnostics.set(uri, found.filter((f) => f.doc.uri.toString() === uri.toString()).map((f) => f.diagnostic));
    runs.set(t.key, uris);
  };
  const diagnostic = (range: vscode.Range, message: string, code: string, severity: vscode.DiagnosticSeverity): vscode.Diagnostic => {
    const d = new vscode.Diagnostic(range, message, severity);
    d.source = 'Gradient Lens';
    d.code = code;
    return d;
  };

  const showList = async (t: Target, r: CheckReport): Promise<void> => {
    const picked = await vscode.window.showQuickPick(r.params.map((p) => {
      const line = p.range?.line ?? assignmentLine(t.text, p.gradientVariable);
      return { ...pickRow(p, r.hidden), ...(line !== undefined ? { description: `${pickRow(p).description} · ${where(t, line)}` } : {}), line };
    }), { title: 'Check Backward Pass: gradients', matchOnDetail: true });
    if (picked?.line === undefined) return;
    const { doc, range } = place(t, { line: picked.line, col: 0, endLine: picked.line, endCol: 0 });
    const line = doc.lineAt(range.start.line).range;
    await vscode.window.showTextDocument(doc, { selection: line });
  };

  const report = (t: Target, o: CheckOutcome, scope: string): void => {
    if (!o.ok) {
      const found = o.kind === 'no-gradients' ? [] : [{ ...place(t, o.range), code: FAILURE_CODE[o.kind] }]
        .map(({ doc, range, code }) => ({ doc, diagnostic: diagnostic(range, o.detail, code, vscode.DiagnosticSeverity.Error) }));
      publish(t, found);
      const text = failureText(o, where(t, o.range.line));
      void (o.kind === 'no-gradients' ? vscode.window.showInformationMessage(text) : vscode.window.showErrorMessage(text));
      return;
    }
    const r = o.report;
    publish(t, r.params.filter((p) => p.verdict === 'incorrect' && p.range).map((p) => {
      const { doc, range } = place(t, p.range!);
      return { doc, diagnostic: diagnostic(range, wrongGradientMessage(p, r.hidden), 'wrong-gradient', vscode.DiagnosticSeverity.Warning) };
    }));
    void vscode.window.showInformationMessage(summaryText(r, scope), 'Show All').then((b) => (b === 'Show All' ? showList(t, r) : undefined));
  };

  const check = async (): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    const t = editor && editor.document.languageId === 'python' ? targetOf(editor) : undefined;
    if (!editor || !t) {
      void vscode.window.showInformationMessage('Gradient Lens: open a Python file or a notebook cell with a hand-written backward pass to check.');
      return;
    }
    const sel = editor.selection, shift = (p: vscode.Position) => ({ line: p.line + t.offset, character: p.character });
    const { label, ...options } = checkScope(t.text, { start: shift(sel.start), end: shift(sel.end) });
    running.get(t.key)?.abort();
    const abort = new AbortController();
    running.set(t.key, abort);
    const versions = t.docs.map((d) => d.version);
    try {
      const o = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Checking the backward pass' },
        () => runInBackground<CheckOutcome>(context.extensionUri.fsPath, { kind: 'checkBackward', text: t.text, options }, abort.signal));
      if (t.docs.some((d, i) => d.version !== versions[i] || d.isClosed)) {
        void vscode.window.showInformationMessage('Gradient Lens: the code changed while it was being checked; run Check Backward Pass again.');
        return;
      }
      report(t, o, label);
    } catch (e) {
      if (!(e instanceof Cancelled)) void vscode.window.showErrorMessage(`Gradient Lens: Check Backward Pass failed: ${(e as Error).message}`);
    } finally {
      if (running.get(t.key) === abort) running.delete(t.key);
    }
  };

  context.subscriptions.push(
    diagnostics,
    vscode.commands.registerCommand('gradientLens.checkBackwardPass', check),
    // a result belongs to the code it ran: an edit makes it stale
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) clearFor(e.document.uri); }),
    vscode.workspace.onDidCloseTextDocument((d) => clearFor(d.uri)),
    vscode.workspace.onDidCloseNotebookDocument((nb) => clear(nb.uri.toString())),
  );
}
