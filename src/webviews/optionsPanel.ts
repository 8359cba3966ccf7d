/**
 * The lifecycle every Gradient Lens panel shares: one panel per kind beside the editor, revived
 * after a reload from the options its webview saved, a runtime guard on every incoming message,
 * results computed by the host (stale ones dropped), and errors shown in the panel and as a
 * notification. A kind supplies its options guard and its compute function.
 */
import * as vscode from 'vscode';
import { InputError } from '../frontends/sentence';
import type { PanelToView } from './panelProtocol';
import { assertNever, isFromPanelView, savedOptions } from './panelProtocol';
import { Cancelled } from './traceRunner';
import type { ViewName } from './webviewPage';
import { setPage, webviewOptions } from './webviewPage';

export interface PanelKind<O, P> {
  viewType: string;
  view: ViewName;
  /** tab title prefix, e.g. "BPTT" */
  title: string;
  /** what the tab title shows after the prefix: the sentence or the expression */
  subject(o: O): string;
  isOptions(o: unknown): o is O;
  /** messages beyond the shared ones (a kind checks its own with a guard); true when handled */
  receive?(m: unknown, current: { options: O; result?: P }): boolean;
  /** `signal` aborts when a newer request supersedes this one or the panel closes */
  compute(extensionUri: vscode.Uri, options: O, signal: AbortSignal): Promise<P>;
  /**
   * Told when the panel becomes the active editor or stops being it (with its last result), and with
   * `undefined` when there is no result any more (the panel closed, or the computation failed), so a
   * kind can take back what it showed elsewhere (editor marks, the side view).
   */
  onActive?(active: boolean, last: { options: O; result: P } | undefined): void;
}

/** how long a shown page may take to say 'ready' before it is set again */
const READY_TIMEOUT_MS = 10_000;

export class OptionsPanel<O, P> {
  private panel: vscode.WebviewPanel | undefined;
  private options: O | undefined;
  private last: { options: O; result: P } | undefined;
  private job = 0;
  private running: AbortController | undefined;
  private disposables: vscode.Disposable[] = [];
  /** the page said 'ready' since it was last set; how often it was set again for want of it */
  private ready = false;
  private reloads = 0;
  private watchdog: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly kind: PanelKind<O, P>, private readonly extensionUri: vscode.Uri) {}

  show(options: O): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside);
      this.setOptions(options);
      return;
    }
    const panel = vscode.window.createWebviewPanel(this.kind.viewType, this.kind.title, { viewColumn: vscode.ViewColumn.Beside }, webviewOptions(this.extensionUri));
    this.attach(panel, options);
  }

  /** For the WebviewPanelSerializer: `state` is what the webview saved, checked before use. */
  revive(panel: vscode.WebviewPanel, state: unknown, fallback: O | undefined): void {
    const options = savedOptions(state, this.kind.isOptions) ?? fallback;
    if (options === undefined) panel.dispose(); // nothing to show again
    else this.attach(panel, options);
  }

  private attach(panel: vscode.WebviewPanel, options: O): void {
    this.panel = panel;
    this.options = options;
    setPage(panel.webview, this.extensionUri, this.kind.view, this.kind.title);
    this.setTitle();
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.onDidChangeViewState((e) => {
      this.kind.onActive?.(e.webviewPanel.active, this.last);
      // hidden, the page is gone (panels are not kept alive when hidden): shown again, it loads
      // anew and must say 'ready' again, or the watchdog sets it again (it stayed disarmed after
      // the first 'ready')
      if (!e.webviewPanel.visible) {
        this.ready = false;
        this.reloads = 0;
      }
      this.watch();
    }, null, this.disposables);
    this.watch();
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), null, this.disposables);
  }

  private receive(m: unknown): void {
    if (!isFromPanelView(m, this.kind.isOptions)) {
      if (this.options !== undefined) this.kind.receive?.(m, { options: this.options, result: this.last?.result });
      return; // otherwise a malformed message is dropped, never trusted
    }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        void this.compute();
        break;
      case 'setOptions': this.setOptions(m.options); break;
      default: assertNever(m);
    }
  }

  /**
   * A visible page that never says 'ready' is set again (twice at most): VS Code sometimes restores
   * a webview blank after "Reload Window" (its service worker fails to register, microsoft/vscode
   * #125993), and setting the HTML again gives it a fresh frame.
   */
  private watch(): void {
    if (this.watchdog !== undefined || this.ready || this.reloads >= 2 || !this.panel?.visible) return;
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      if (this.ready || !this.panel?.visible) return;
      this.reloads++;
      console.warn(`Gradient Lens: the ${this.kind.title} panel did not say 'ready' within ${READY_TIMEOUT_MS / 1000} s; setting its page again (${this.reloads} of 2)`);
      setPage(this.panel.webview, this.extensionUri, this.kind.view, this.kind.title);
      this.watch();
    }, READY_TIMEOUT_MS);
  }

  private setOptions(options: O): void {
    this.options = options;
    this.setTitle();
    void this.compute();
  }

  private setTitle(): void {
    const s = this.kind.subject(this.options!).trim().replace(/\s+/g, ' ');
    this.panel!.title = `${this.kind.title}: ${s.length > 24 ? `${s.slice(0, 24)}…` : s}`;
  }

  private post(m: PanelToView<O, P>): void {
    void this.panel?.webview.postMessage(m);
  }

  /** A message of the kind's own protocol (the code stepper's "step" from the editor). */
  postOwn(m: { type: string; [field: string]: unknown }): void {
    void this.panel?.webview.postMessage(m);
  }

  /** The options and result shown now, if any. */
  get shown(): { options: O; result: P } | undefined {
    return this.last;
  }

  private async compute(): Promise<void> {
    const id = ++this.job;
    const options = this.options!;
    this.running?.abort(); // a superseded computation stops (its worker is terminated)
    const running = (this.running = new AbortController());
    try {
      this.post({ type: 'busy', options, message: 'Computing…' });
      const result = await this.kind.compute(this.extensionUri, options, running.signal);
      if (id !== this.job) return;
      this.last = { options, result };
      this.post({ type: 'trace', options, ...result });
      if (this.panel?.active) this.kind.onActive?.(true, this.last);
    } catch (e) {
      if (id !== this.job) return;
      const message = e instanceof InputError || e instanceof Cancelled ? e.message : `Gradient Lens could not compute this: ${(e as Error).message}`;
      this.last = undefined;
      this.kind.onActive?.(false, undefined); // what the old result showed elsewhere goes too
      this.post({ type: 'error', options, message });
      if (!(e instanceof Cancelled)) void vscode.window.showWarningMessage(message);
    }
  }

  private dispose(): void {
    clearTimeout(this.watchdog);
    this.running?.abort();
    this.kind.onActive?.(false, undefined);
    this.panel = undefined;
    this.last = undefined;
    this.job++;
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
