/**
 * The editor around the checker's results: a CodeLens on every correct claim, a hover with the
 * check's details and a link to Explain Gradient, a quick fix that opens the correct derivative
 * beside the claim (with feedback 'full' only), and the list the "Check Homework Derivatives"
 * command shows. Translators only: the results come from HomeworkChecker.
 */
import * as vscode from 'vscode';
import type { ClaimResult } from '../types';
import type { CheckedClaim, HomeworkChecker } from './homeworkChecker';
import { feedbackSetting } from './homeworkChecker';

export const ANSWER_SCHEME = 'gradient-lens-answer';

const at = (c: CheckedClaim, pos: vscode.Position): boolean => c.range.contains(pos);

export function codeLenses(checker: HomeworkChecker): vscode.CodeLensProvider {
  return {
    onDidChangeCodeLenses: checker.onDidChange,
    provideCodeLenses: (doc) => checker.claims(doc.uri).filter((c) => c.result.verdict === 'correct').map((c) => new vscode.CodeLens(c.range, {
      title: `✓ derivative checked (${c.result.points} points)`,
      tooltip: `${c.result.lhs} = ${c.result.claim}: equal at ${c.result.points} random points (worst relative error ${c.result.worstRelError.toExponential(1)})`,
      command: c.result.explain ? 'gradientLens.explainGradient' : '',
      arguments: c.result.explain ? [c.result.explain.expression] : [],
    })),
  };
}

function details(r: ClaimResult): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = { enabledCommands: ['gradientLens.explainGradient'] };
  const verdict = r.verdict === 'correct' ? '✓ correct' : r.verdict === 'incorrect' ? '✗ not equal to the derivative' : '⚠ not checked';
  md.appendMarkdown(`**Gradient Lens: ${verdict}**\n\n`);
  md.appendText(`${r.lhs} = ${r.claim}\n`);
  md.appendMarkdown('\n\n');
  if (r.verdict !== 'correct') md.appendText(`${r.message}\n`);
  if (r.points > 0) md.appendMarkdown(`\n\nCompared at ${r.points} random points; worst relative error ${r.worstRelError.toExponential(2)}.`);
  if (r.counterexample) {
    const p = Object.entries(r.counterexample.point).map(([k, v]) => `${k} = ${Number(v.toPrecision(4))}`).join(', ');
    md.appendMarkdown('\n\n');
    md.appendText(`At ${p}: your expression gives ${Number(r.counterexample.claimed.toPrecision(6))}, the derivative is ${Number(r.counterexample.actual.toPrecision(6))}.`);
  }
  if (r.explain) {
    const args = encodeURIComponent(JSON.stringify([r.explain.expression]));
    md.appendMarkdown(`\n\n[Explain Gradient](command:gradientLens.explainGradient?${args} "Step through the derivative of this expression")`);
  }
  return md;
}

export function hovers(checker: HomeworkChecker): vscode.HoverProvider {
  return {
    provideHover(doc, pos) {
      const c = checker.claims(doc.uri).find((x) => at(x, pos));
      return c && new vscode.Hover(details(c.result), c.range);
    },
  };
}

/** "Show the correct derivative": only with feedback 'full', and never an edit of the student's text. */
export function quickFixes(checker: HomeworkChecker): vscode.CodeActionProvider {
  return {
    provideCodeActions(doc, range) {
      if (feedbackSetting() !== 'full') return [];
      return checker.claims(doc.uri).filter((c) => c.result.verdict === 'incorrect' && c.result.correct && c.range.intersection(range)).map((c) => {
        const action = new vscode.CodeAction('Show the correct derivative', vscode.CodeActionKind.QuickFix);
        action.command = { command: 'gradientLens.showCorrectDerivative', title: 'Show the correct derivative', arguments: [doc.uri.toString(), c.range.start.line, c.range.start.character] };
        action.diagnostics = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.range.isEqual(c.range));
        return action;
      });
    },
  };
}

/** The read-only document the quick fix opens beside the claim. */
export function answerDocument(r: ClaimResult): string {
  return [
    `# The correct derivative`,
    '',
    `Your claim: \`${r.lhs} = ${r.claim}\``,
    '',
    `${r.lhs} = ${r.correct?.text ?? '(not available)'}`,
    '',
    r.correct ? `$$${r.correct.latex}$$` : '',
    '',
    r.message,
  ].join('\n');
}

export class AnswerProvider implements vscode.TextDocumentContentProvider {
  private readonly answers = new Map<string, string>();
  show(r: ClaimResult): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: ANSWER_SCHEME, path: `/correct-derivative-${this.answers.size + 1}.md` });
    this.answers.set(uri.toString(), answerDocument(r));
    return uri;
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.answers.get(uri.toString()) ?? 'This answer is no longer available: run the quick fix again.';
  }
}

/** "Check Homework Derivatives": check now and list every claim; picking one goes to it. */
export async function checkCommand(checker: HomeworkChecker): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Gradient Lens: open a Markdown, LaTeX, text, Python file or notebook with derivative claims to check.');
    return;
  }
  const claims = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Checking derivatives' }, () => checker.check(editor.document, false));
  if (claims.length === 0) {
    void vscode.window.showInformationMessage('Gradient Lens: no derivative claims found here. Write one like dL/dw = ... or \\frac{\\partial L}{\\partial w} = ... (see the README).');
    return;
  }
  const icon = (r: ClaimResult): string => (r.verdict === 'correct' ? '$(pass)' : r.verdict === 'incorrect' ? '$(warning)' : '$(error)');
  const picked = await vscode.window.showQuickPick(claims.map((c) => ({
    label: `${icon(c.result)} ${c.result.lhs} = ${c.result.claim}`,
    description: `line ${c.range.start.line + 1}`,
    detail: c.result.verdict === 'correct' ? `checked at ${c.result.points} points` : c.result.message,
    claim: c,
  })), { title: `Derivatives: ${claims.filter((c) => c.result.verdict === 'correct').length} ✓ ${claims.filter((c) => c.result.verdict !== 'correct').length} ✗`, matchOnDetail: true });
  if (!picked) return;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(picked.claim.uri));
  const shown = await vscode.window.showTextDocument(doc, { selection: picked.claim.range });
  shown.revealRange(picked.claim.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
