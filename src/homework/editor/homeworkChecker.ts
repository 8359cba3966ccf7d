/**
 * Checks the derivative claims of open documents and notebooks as the student types (debounced,
 * off the extension host's thread for long documents): diagnostics on wrong and unparseable
 * claims, a status bar count, and the results the CodeLens and hover providers read. It never
 * edits a document.
 */
import * as vscode from 'vscode';
import type { ClaimResult, DocKind, Feedback } from '../types';
import { runInBackground } from '../../webviews/traceRunner';

const DEBOUNCE_MS = 400;

/** Which checker syntax a document is read with, from its language or file name. */
export function docKind(doc: vscode.TextDocument): DocKind | undefined {
  switch (doc.languageId) {
    case 'markdown': return 'md';
    case 'latex': case 'tex': return 'tex';
    case 'python': return 'py';
    case 'plaintext': return 'txt';
  }
  const ext = /\.(md|tex|txt|py)$/i.exec(doc.uri.path)?.[1]?.toLowerCase();
  return ext as DocKind | undefined;
}

export function feedbackSetting(): Feedback {
  const f = vscode.workspace.getConfiguration('gradientLens.homework').get<string>('feedback', 'hint');
  return f === 'verdict' || f === 'full' ? f : 'hint';
}

export interface CheckedClaim {
  result: ClaimResult;
  /** the document the claim is in (a notebook cell's own document) */
  uri: string;
  range: vscode.Range;
}

export class HomeworkChecker implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('gradientLens.homework');
  private readonly status = vscode.window.createStatusBarItem('gradientLens.homework', vscode.StatusBarAlignment.Left, 50);
  private readonly byUri = new Map<string, CheckedClaim[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly versions = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly extensionPath: string) {
    this.status.name = 'Gradient Lens: derivatives';
    this.status.command = 'workbench.actions.view.problems';
    this.status.tooltip = 'Derivative claims checked in this document: open the Problems view';
  }

  /** The claims found in a document (a text file or a notebook cell). */
  claims(uri: vscode.Uri): CheckedClaim[] {
    return this.byUri.get(uri.toString()) ?? [];
  }

  /** Check soon (typing), or now. */
  schedule(doc: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    const target = this.targetOf(doc);
    if (!target) return;
    const key = target.key;
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.check(doc).catch((e: Error) => console.error(`Gradient Lens: checking ${doc.uri.toString()} failed: ${e.message}`));
    }, delay));
  }

  /** Checks the document (or the notebook of a cell) and publishes the results; returns them. */
  async check(doc: vscode.TextDocument, quiet = true): Promise<CheckedClaim[]> {
    const target = this.targetOf(doc);
    if (!target) return [];
    const version = (this.versions.get(target.key) ?? 0) + 1;
    this.versions.set(target.key, version);
    const results = await runInBackground<ClaimResult[]>(this.extensionPath, { kind: 'homework', text: target.text, docKind: target.kind, feedback: feedbackSetting() }, undefined, quiet);
    if (this.versions.get(target.key) !== version) return []; // a newer check is under way
    for (const uri of target.docs.map((d) => d.uri.toString())) this.byUri.set(uri, []);
    for (const r of results) {
      const cellDoc = r.range.cell === undefined ? target.docs[0] : target.docs[r.range.cell];
      if (!cellDoc) continue;
      const range = new vscode.Range(r.range.line, r.range.col, r.range.endLine, r.range.endCol);
      this.byUri.get(cellDoc.uri.toString())!.push({ result: r, uri: cellDoc.uri.toString(), range });
    }
    for (const d of target.docs) this.publish(d.uri);
    this.updateStatus();
    this.changed.fire();
    return target.docs.flatMap((d) => this.claims(d.uri));
  }

  forget(doc: vscode.TextDocument): void {
    // a check scheduled or running for it must not publish after the close
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
    this.byUri.delete(key);
    this.diagnostics.delete(doc.uri);
    this.updateStatus();
    this.changed.fire();
  }

  updateStatus(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const target = doc && this.targetOf(doc);
    const all = target ? target.docs.flatMap((d) => this.claims(d.uri)) : [];
    if (all.length === 0) {
      this.status.hide();
      return;
    }
    const ok = all.filter((c) => c.result.verdict === 'correct').length;
    const bad = all.length - ok;
    this.status.text = `Derivatives: ${ok} ✓ ${bad} ✗`;
    this.status.show();
  }

  private publish(uri: vscode.Uri): void {
    this.diagnostics.set(uri, this.claims(uri).flatMap(({ result: r, range }) => {
      if (r.verdict === 'correct') return [];
      const d = new vscode.Diagnostic(range, r.message, r.verdict === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = 'Gradient Lens';
      d.code = r.mistake ?? (r.verdict === 'error' ? 'parse-error' : 'incorrect');
      return [d];
    }));
  }

  /** A text document, or the whole notebook a cell belongs to (definitions carry across cells). */
  private targetOf(doc: vscode.TextDocument): { key: string; kind: DocKind; text: string; docs: vscode.TextDocument[] } | undefined {
    if (doc.uri.scheme === 'vscode-notebook-cell') {
      const nb = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === doc));
      if (!nb) return undefined;
      const cells = nb.getCells();
      const json = JSON.stringify({
        cells: cells.map((c) => ({ cell_type: c.kind === vscode.NotebookCellKind.Markup ? 'markdown' : 'code', source: c.document.getText() })),
        metadata: { language_info: { name: 'python' } },
      });
      return { key: nb.uri.toString(), kind: 'ipynb', text: json, docs: cells.map((c) => c.document) };
    }
    if (doc.uri.scheme === 'output' || doc.uri.scheme === 'git' || doc.uri.scheme === 'gradient-lens-answer') return undefined;
    const kind = docKind(doc);
    return kind && { key: doc.uri.toString(), kind, text: doc.getText(), docs: [doc] };
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.diagnostics.dispose();
    this.status.dispose();
    this.changed.dispose();
  }
}
