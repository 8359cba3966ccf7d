/**
 * The BPTT panel beside the editor: one at a time, revived after a reload from the state the
 * webview saved. The host computes traces (in a worker when long); the webview only renders.
 */
import * as vscode from 'vscode';
import type { BpttOptions } from '../frontends/sentenceBptt';
import { InputError } from '../frontends/sentenceBptt';
import type { ToBpttView } from './bpttProtocol';
import { assertNever, isBpttViewState, isFromBpttView } from './bpttProtocol';
import { settings } from './settings';
import { Cancelled, runBptt } from './traceRunner';
import { setPage, webviewOptions } from './webviewPage';

export class BpttPanel {
  static readonly viewType = 'gradientLens.bptt';
  private static current: BpttPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private job = 0;

  static show(extensionUri: vscode.Uri, options: BpttOptions): void {
    if (BpttPanel.current) {
      BpttPanel.current.panel.reveal(vscode.ViewColumn.Beside);
      BpttPanel.current.setOptions(options);
      return;
    }
    const panel = vscode.window.createWebviewPanel(BpttPanel.viewType, 'BPTT', { viewColumn: vscode.ViewColumn.Beside }, webviewOptions(extensionUri));
    BpttPanel.current = new BpttPanel(panel, extensionUri, options);
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, fallback: BpttOptions): void {
    BpttPanel.current = new BpttPanel(panel, extensionUri, isBpttViewState(state) ? state.options : fallback);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly extensionUri: vscode.Uri, private options: BpttOptions) {
    setPage(panel.webview, extensionUri, 'bptt', 'BPTT');
    this.setTitle();
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), null, this.disposables);
  }

  private receive(m: unknown): void {
    if (!isFromBpttView(m)) return; // a malformed message is dropped, never trusted
    switch (m.type) {
      case 'ready': void this.compute(); break;
      case 'setOptions': this.setOptions(m.options); break;
      default: assertNever(m);
    }
  }

  private setOptions(options: BpttOptions): void {
    this.options = options;
    this.setTitle();
    void this.compute();
  }

  private setTitle(): void {
    const s = this.options.sentence.trim();
    this.panel.title = `BPTT: ${s.length > 24 ? `${s.slice(0, 24)}…` : s}`;
  }

  private post(m: ToBpttView): void {
    void this.panel.webview.postMessage(m);
  }

  private async compute(): Promise<void> {
    const id = ++this.job;
    const options = this.options;
    const { maxSequenceLength } = settings();
    try {
      this.post({ type: 'busy', options, message: 'Computing the backward pass…' });
      const { words, trace } = await runBptt(this.extensionUri.fsPath, options, maxSequenceLength);
      if (id === this.job) this.post({ type: 'trace', options, words, trace, maxWords: maxSequenceLength });
    } catch (e) {
      if (id !== this.job) return;
      const message = e instanceof InputError || e instanceof Cancelled ? e.message : `Gradient Lens could not compute this trace: ${(e as Error).message}`;
      this.post({ type: 'error', options, message });
      if (!(e instanceof Cancelled)) void vscode.window.showWarningMessage(message);
    }
  }

  private dispose(): void {
    BpttPanel.current = undefined;
    this.job++;
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
