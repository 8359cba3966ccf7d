/**
 * The Gradient Flow side view: follows the active editor's selection and shows the selected
 * sentence's |dL/dh_t| with a one-line verdict, or says what to select. Short sentences only
 * (computed inline, debounced); the full panel handles long ones.
 */
import * as vscode from 'vscode';
import type { AttentionTrace } from '../frontends/sentenceAttention';
import { InputError, codeLikeReason, tokenize } from '../frontends/sentence';
import { sentenceBptt } from '../frontends/sentenceBptt';
import type { ToFlowView } from './flowProtocol';
import { isFromFlowView } from './flowProtocol';
import { defaultOptions } from './settings';
import { setPage } from './webviewPage';

export const FLOW_MAX_WORDS = 400;
const EMPTY = 'Select a sentence in the editor to see how its gradient flows back through the RNN.';

export class FlowViewProvider implements vscode.WebviewViewProvider {
  static readonly viewType = 'gradientLens.flow';
  private view: vscode.WebviewView | undefined;
  private sentence: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attention: AttentionTrace | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly openPanel: (sentence: string) => void) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    setPage(view.webview, this.extensionUri, 'flow', 'Gradient Flow');
    view.webview.onDidReceiveMessage((m: unknown) => {
      if (!isFromFlowView(m)) return;
      if (m.type === 'ready') {
        if (this.attention) this.showAttention(this.attention);
        else this.update(vscode.window.activeTextEditor);
      }
      else if (this.sentence) this.openPanel(this.sentence);
    });
    view.onDidChangeVisibility(() => view.visible && this.update(vscode.window.activeTextEditor));
  }

  /** While the attention panel is the active editor, show its last layer's heatmap. */
  showAttention(trace: AttentionTrace | undefined): void {
    this.attention = trace;
    if (trace) {
      const layer = trace.layers.length;
      this.post({ type: 'attention', attention: { words: trace.words, A: trace.layers[layer - 1].A, layer } });
    } else {
      this.update(vscode.window.activeTextEditor);
    }
  }

  /** Called on selection and editor changes; coalesces bursts of events. */
  schedule(editor: vscode.TextEditor | undefined): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.update(editor), 250);
  }

  private post(m: ToFlowView): void {
    void this.view?.webview.postMessage(m);
  }

  private update(editor: vscode.TextEditor | undefined): void {
    if (!this.view?.visible) return;
    if (this.attention && !editor) return this.showAttention(this.attention);
    const text = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    if (!text.trim()) {
      this.sentence = undefined;
      this.post({ type: 'hint', message: EMPTY });
      return;
    }
    if (tokenize(text).length > FLOW_MAX_WORDS && !codeLikeReason(text)) {
      this.sentence = text;
      this.post({ type: 'hint', message: 'The selection is long; run "Gradient Lens: Step Through BPTT" to trace it in the panel.' });
      return;
    }
    try {
      const o = defaultOptions(text);
      const { words, trace } = sentenceBptt(o, FLOW_MAX_WORDS);
      this.sentence = text;
      this.post({ type: 'flow', flow: { sentence: text, words, log10: trace.log10_dL_dh, verdict: trace.verdict } });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      this.sentence = undefined;
      this.post({ type: 'hint', message: e.message });
    }
  }
}
