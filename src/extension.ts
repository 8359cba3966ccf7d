/** Wiring only: commands, the BPTT panel's serializer and the Gradient Flow side view. */
import * as vscode from 'vscode';
import { BpttPanel } from './webviews/bpttPanel';
import { LECTURE_SENTENCE, stepThroughBptt } from './webviews/bpttCommand';
import { FlowViewProvider } from './webviews/flowView';
import { defaultOptions } from './webviews/settings';

export function activate(context: vscode.ExtensionContext): void {
  const ext = context.extensionUri;
  const flow = new FlowViewProvider(ext, (sentence) => BpttPanel.show(ext, defaultOptions(sentence)));
  context.subscriptions.push(
    vscode.commands.registerCommand('gradientLens.stepThroughBptt', () => stepThroughBptt(ext)),
    vscode.window.registerWebviewPanelSerializer(BpttPanel.viewType, {
      deserializeWebviewPanel: async (panel, state) => BpttPanel.revive(panel, ext, state, defaultOptions(LECTURE_SENTENCE)),
    }),
    vscode.window.registerWebviewViewProvider(FlowViewProvider.viewType, flow),
    vscode.window.onDidChangeTextEditorSelection((e) => flow.schedule(e.textEditor)),
    vscode.window.onDidChangeActiveTextEditor((e) => flow.schedule(e)),
  );
}

export function deactivate(): void {}
