/** Wiring only: commands, the panels and their serializers, and the Gradient Flow side view. */
import * as vscode from 'vscode';
import { defaultAttentionOptions } from './frontends/sentenceAttention';
import { sentenceWords } from './frontends/sentenceBptt';
import { registerHomework } from './homework/editor/registerHomework';
import { attentionCommand } from './webviews/attentionCommand';
import { attentionPanel } from './webviews/attentionPanel';
import { BPTT_PANEL } from './webviews/bpttPanel';
import { registerCheckBackwardPass } from './webviews/checkBackwardPass';
import { registerCodeStepper } from './webviews/codePanel';
import { codeSelection } from './webviews/codeSelection';
import { EXAMPLE_EXPRESSION, explainCommand } from './webviews/explainCommand';
import { EXPLAIN_PANEL } from './webviews/explainPanel';
import { FlowViewProvider } from './webviews/flowView';
import { OptionsPanel } from './webviews/optionsPanel';
import { LECTURE_SENTENCE, sentenceCommand } from './webviews/sentenceCommand';
import { defaultOptions, settings } from './webviews/settings';

export function activate(context: vscode.ExtensionContext): void {
  const ext = context.extensionUri;
  const bptt = new OptionsPanel(BPTT_PANEL, ext);
  const flow = new FlowViewProvider(ext, (sentence) => bptt.show(defaultOptions(sentence)));
  const explain = new OptionsPanel(EXPLAIN_PANEL, ext);
  const showCode = registerCodeStepper(context);
  const attention = new OptionsPanel(attentionPanel((active, trace) => flow.showAttention(active ? trace : undefined)), ext);
  const serializer = <O>(panel: OptionsPanel<O, unknown>, fallback: O): vscode.WebviewPanelSerializer => ({
    deserializeWebviewPanel: async (p, state) => panel.revive(p, state, fallback),
  });
  context.subscriptions.push(
    vscode.commands.registerCommand('gradientLens.stepThroughBptt', () => {
      const code = codeSelection(vscode.window.activeTextEditor); // selected code gets the code stepper
      if (code) return showCode(code);
      return sentenceCommand('Gradient Lens: Step Through BPTT', (t) => sentenceWords(defaultOptions(t), settings().maxSequenceLength), (t) => bptt.show(defaultOptions(t)));
    }),
    vscode.commands.registerCommand('gradientLens.inspectAttention', () => attentionCommand((o) => attention.show(o))),
    vscode.commands.registerCommand('gradientLens.explainGradient', (given?: unknown) => explainCommand((o) => explain.show(o), given)),
    vscode.window.registerWebviewPanelSerializer(EXPLAIN_PANEL.viewType, serializer(explain, { expression: EXAMPLE_EXPRESSION, values: {}, wrt: null, reluAtZero: 0 })),
    vscode.window.registerWebviewPanelSerializer(BPTT_PANEL.viewType, serializer(bptt, defaultOptions(LECTURE_SENTENCE))),
    vscode.window.registerWebviewPanelSerializer('gradientLens.attention', serializer(attention, defaultAttentionOptions(LECTURE_SENTENCE))),
    vscode.window.registerWebviewViewProvider(FlowViewProvider.viewType, flow),
    vscode.window.onDidChangeTextEditorSelection((e) => flow.schedule(e.textEditor)),
    vscode.window.onDidChangeActiveTextEditor((e) => flow.schedule(e)),
  );
  registerHomework(context);
  registerCheckBackwardPass(context);
}

export function deactivate(): void {}
