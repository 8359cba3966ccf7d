/**
 * The one place that acquires the webview API: typed posting and persisted state for a view.
 */

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

let api: VsCodeApi<unknown> | undefined;

export interface Host<Out, S> {
  post(message: Out): void;
  getState(): S | undefined;
  setState(state: S): void;
}

export function host<Out, S>(): Host<Out, S> {
  api ??= acquireVsCodeApi<unknown>();
  const a = api as VsCodeApi<S>;
  return { post: (m) => a.postMessage(m), getState: () => a.getState(), setState: (s) => a.setState(s) };
}

/** Calls `on` for every message from the host. */
export function onHostMessage<In>(on: (m: In) => void): void {
  window.addEventListener('message', (e: MessageEvent) => on(e.data as In));
}
