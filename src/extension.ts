/** Wiring only: commands, the panels and their serializers, and the Gradient Flow side view. */
import * as vscode from 'vscode';
import { attentionWords, defaultAttentionOptions } from './frontends/sentenceAttention';
import { sentenceWords } from './frontends/sentenceBptt';
import { attentionPanel } from './webviews/attentionPanel';
import { BPTT_PANEL } from './webviews/bpttPanel';
import { FlowViewProvider } from './webviews/flowView';
import { OptionsPanel } from './webviews/optionsPanel';
import { LECTURE_SENTENCE, sentenceCommand } from './webviews/sentenceCommand';
import { defaultOptions, settings } from './webviews/settings';

export function activate(context: vscode.ExtensionContext): void {
  const ext = context.extensionUri;
  const bptt = new OptionsPanel(BPTT_PANEL, ext);
  const flow = new FlowViewProvider(ext, (sentence) => bptt.show(defaultOptions(sentence)));
  const attention = new OptionsPanel(attentionPanel((active, trace) => flow.showAttention(active ? trace : undefined)), ext);
  const serializer = (panel: OptionsPanel<{ sentence: string }, unknown>, fallback: { sentence: string }): vscode.WebviewPanelSerializer => ({
    deserializeWebviewPanel: async (p, state) => panel.revive(p, state, fallback),
  });
  context.subscriptions.push(
    vscode.commands.registerCommand('gradientLens.stepThroughBptt', () =>
      sentenceCommand('Gradient Lens: Step Through BPTT', (t) => sentenceWords(defaultOptions(t), settings().maxSequenceLength), (t) => bptt.show(defaultOptions(t)))),
    vscode.commands.registerCommand('gradientLens.inspectAttention', () =>
      sentenceCommand('Gradient Lens: Inspect Attention', (t) => attentionWords(defaultAttentionOptions(t)), (t) => attention.show(defaultAttentionOptions(t)))),
    vscode.window.registerWebviewPanelSerializer(BPTT_PANEL.viewType, serializer(bptt, defaultOptions(LECTURE_SENTENCE))),
    vscode.window.registerWebviewPanelSerializer('gradientLens.attention', serializer(attention, defaultAttentionOptions(LECTURE_SENTENCE))),
    vscode.window.registerWebviewViewProvider(FlowViewProvider.viewType, flow),
    vscode.window.onDidChangeTextEditorSelection((e) => flow.schedule(e.textEditor)),
    vscode.window.onDidChangeActiveTextEditor((e) => flow.schedule(e)),
  );
}

export function deactivate(): void {}
