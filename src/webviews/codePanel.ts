/**
 * Step Through BPTT on selected Python/numpy code: the host traces the code (in the worker thread
 * when it loops), the webview steps through the backward pass one statement at a time, and the
 * editor follows: the statement whose gradient is being computed is lit up, and the values seen so
 * far are shown after their lines like a debugger's inline values. Keybindings step from the editor.
 */
import * as vscode from 'vscode';
import type { CodeStep, CodeTrace, Shown } from '../frontends/python/codeTrace';
import { isCodeOptions, isCursorMessage } from './codeProtocol';
import type { CodePanelOptions } from './codeProtocol';
import { OptionsPanel } from './optionsPanel';
import type { PanelKind } from './optionsPanel';
import { runInBackground } from './traceRunner';

const current = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('editor.focusedStackFrameHighlightBackground'),
  overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.findMatchForeground'),
});
const expression = vscode.window.createTextEditorDecorationType({
  borderColor: new vscode.ThemeColor('focusBorder'), borderStyle: 'solid', borderWidth: '1px',
});
const inline = vscode.window.createTextEditorDecorationType({
  after: { color: new vscode.ThemeColor('editor.inlineValuesForeground'), backgroundColor: new vscode.ThemeColor('editor.inlineValuesBackground'), margin: '0 0 0 2em' },
});

/** A number with 4 significant digits, or an array's norm and shape. */
export function shownText(v: Shown): string {
  const f = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x));
  return v.scalar !== undefined ? f(v.scalar) : `‖${f(v.norm)}‖ (${v.shape.join('×')})`;
}

export const stepLabel = (s: CodeStep): string => `${s.name}${s.subscripted ? '[…]' : ''}${s.t !== undefined ? ` at t = ${s.t}` : ''}`;

/** Takes the stepper's marks off every editor (another file's, a closed panel's, a failed trace's). */
function clearAll(): void {
  for (const e of vscode.window.visibleTextEditors) for (const d of [current, expression, inline]) e.setDecorations(d, []);
}

function decorate(o: CodePanelOptions, trace: CodeTrace | undefined, cursor: number): void {
  clearAll();
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === o.uri);
  if (!editor || !trace || cursor >= trace.steps.length) return;
  const s = trace.steps[cursor];
  const off = o.lineOffset ?? 0; // trace lines to document lines (notebook cells, a lone selection)
  const range = new vscode.Range(s.range.line - off, s.range.col, s.range.endLine - off, s.range.endCol);
  if (range.start.line < 0) return; // a statement of an earlier cell: nothing to light up in this one
  editor.setDecorations(current, [range]);
  editor.setDecorations(expression, [range]);
  // the latest step seen on each line, back to the current one
  const byLine = new Map<number, CodeStep>();
  for (let k = 0; k <= cursor; k++) if (trace.steps[k].range.endLine >= off) byLine.set(trace.steps[k].range.endLine - off, trace.steps[k]);
  editor.setDecorations(inline, [...byLine.entries()].map(([line, st]) => ({
    range: new vscode.Range(line, Number.MAX_SAFE_INTEGER, line, Number.MAX_SAFE_INTEGER),
    renderOptions: { after: { contentText: `${stepLabel(st)} = ${shownText(st.value)}   dL/d${st.name} = ${shownText(st.grad)}` } },
  })));
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export function registerCodeStepper(context: vscode.ExtensionContext): (o: CodePanelOptions) => void {
  let cursor = 0;
  const kind: PanelKind<CodePanelOptions, { trace: CodeTrace }> = {
    viewType: 'gradientLens.code',
    view: 'code',
    title: 'BPTT',
    subject: (o) => o.title,
    isOptions: isCodeOptions,
    async compute(uri, o, signal) {
      const trace = await runInBackground<CodeTrace>(uri.fsPath, { kind: 'code', options: o }, signal);
      cursor = 0;
      void vscode.commands.executeCommand('setContext', 'gradientLens.codeStepping', true);
      return { trace };
    },
    receive(m, { options, result }) {
      if (!isCursorMessage(m)) return false;
      cursor = m.cursor;
      decorate(options, result?.trace, cursor);
      return true;
    },
    onActive(_active, last) {
      if (last) return decorate(last.options, last.result.trace, cursor);
      // the panel closed or the trace failed: the editor goes back to normal
      clearAll();
      void vscode.commands.executeCommand('setContext', 'gradientLens.codeStepping', false);
    },
  };
  const panel = new OptionsPanel(kind, context.extensionUri);
  const step = (delta: number) => () => panel.postOwn({ type: 'step', delta });
  context.subscriptions.push(
    vscode.commands.registerCommand('gradientLens.nextBackwardStep', step(1)),
    vscode.commands.registerCommand('gradientLens.previousBackwardStep', step(-1)),
    vscode.window.registerWebviewPanelSerializer(kind.viewType, { deserializeWebviewPanel: async (p, state) => panel.revive(p, state, undefined) }),
    vscode.window.onDidChangeVisibleTextEditors(() => { const s = panel.shown; if (s) decorate(s.options, s.result.trace, cursor); }),
    // an edit moves the lines: the marks of the old trace would point at the wrong statements
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length && e.document.uri.toString() === panel.shown?.options.uri) clearAll(); }),
  );
  return (o) => panel.show(o);
}
