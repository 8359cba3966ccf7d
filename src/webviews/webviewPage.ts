/**
 * Puts a view's page into a webview: scripts on, local resources limited to the extension's own
 * dist/webviews and media folders, and the one HTML builder with a fresh nonce.
 */
import * as vscode from 'vscode';
import { laterScripts, makeNonce, webviewHtml } from './html';

export type ViewName = 'bptt' | 'flow' | 'attention' | 'explain' | 'code';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function setPage(webview: vscode.Webview, extensionUri: vscode.Uri, view: ViewName, title: string): void {
  const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  webview.options = webviewOptions(extensionUri);
  webview.html = webviewHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    title,
    view,
    script: uri('dist', 'webviews', `${view}.js`),
    later: laterScripts(view).map((f) => uri('dist', 'webviews', f)),
    styles: [uri('dist', 'webviews', 'katex', 'katex.min.css'), uri('media', 'webview.css')],
  });
}
