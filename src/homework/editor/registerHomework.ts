/**
 * Wiring of the homework checker: check on open, on edit (debounced) and in notebook cells, in any
 * workspace (trusted or not: it never runs the student's code or edits a document), plus the
 * command, CodeLens, hover, quick fix and the read-only answer documents.
 */
import * as vscode from 'vscode';
import { HomeworkChecker } from './homeworkChecker';
import { ANSWER_SCHEME, AnswerProvider, checkCommand, codeLenses, hovers, quickFixes } from './homeworkProviders';

const SELECTOR: vscode.DocumentSelector = [
  { language: 'markdown' }, { language: 'latex' }, { language: 'tex' }, { language: 'plaintext' }, { language: 'python' },
  { notebookType: 'jupyter-notebook' },
];

export function registerHomework(context: vscode.ExtensionContext): HomeworkChecker {
  const checker = new HomeworkChecker(context.extensionUri.fsPath);
  const answers = new AnswerProvider();
  const checkSoon = (doc: vscode.TextDocument, delay?: number): void => checker.schedule(doc, delay);
  context.subscriptions.push(
    checker,
    vscode.commands.registerCommand('gradientLens.checkHomework', () => checkCommand(checker)),
    vscode.commands.registerCommand('gradientLens.showCorrectDerivative', async (uri: string, line: number, character: number) => {
      const claim = checker.claims(vscode.Uri.parse(uri)).find((c) => c.range.start.line === line && c.range.start.character === character);
      if (!claim?.result.correct) return;
      const doc = await vscode.workspace.openTextDocument(answers.show(claim.result));
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: true });
    }),
    vscode.workspace.registerTextDocumentContentProvider(ANSWER_SCHEME, answers),
    vscode.languages.registerCodeLensProvider(SELECTOR, codeLenses(checker)),
    vscode.languages.registerHoverProvider(SELECTOR, hovers(checker)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, quickFixes(checker), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.workspace.onDidOpenTextDocument((d) => checkSoon(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) checkSoon(e.document); }),
    vscode.workspace.onDidCloseTextDocument((d) => checker.forget(d)),
    vscode.workspace.onDidOpenNotebookDocument((nb) => { const first = nb.getCells()[0]; if (first) checkSoon(first.document, 0); }),
    vscode.window.onDidChangeActiveTextEditor(() => checker.updateStatus()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gradientLens.homework')) for (const d of vscode.workspace.textDocuments) checkSoon(d, 0);
    }),
  );
  for (const d of vscode.workspace.textDocuments) checkSoon(d, 0);
  return checker;
}
