/**
 * The one HTML builder for every webview: a strict CSP (default-src 'none', scripts by nonce only,
 * styles and fonts from the extension's own folder, no unsafe-*, nothing remote). Pure, so its
 * policy is unit-tested without VS Code.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewPage {
  /** webview.cspSource: the origin of the extension's local resources */
  cspSource: string;
  nonce: string;
  title: string;
  /** the bundled entry (a webview URI) */
  script: string;
  /** classic scripts the entry loads when it is ready for them (webview URIs, see laterScripts) */
  later?: readonly string[];
  styles: readonly string[];
  /** data-view attribute of <body>, for the entry to know which view it is */
  view: string;
}

/**
 * Scripts (in dist/webviews) a view loads after its entry. Explain Gradient's first paint is the
 * graph and the numbers, so KaTeX (most of its bytes) is neither fetched nor run with the page: the
 * entry loads it (runLaterScripts, with the page's nonce) once its first trace is on screen. As a
 * deferred script its fetch and ~100 ms of script delayed that first trace; preloaded, its fetch
 * still slowed the entry's. Its formulas are drawn when it has run.
 */
export function laterScripts(view: string): string[] {
  return view === 'explain' ? ['katex.js'] : [];
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

const escapeAttr = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function webviewHtml(p: WebviewPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${p.styles.map((s) => `<link rel="stylesheet" href="${escapeAttr(s)}">`).join('\n')}
<title>${escapeAttr(p.title)}</title>
</head>
<body data-view="${escapeAttr(p.view)}"${p.later?.length ? ` data-later-scripts="${escapeAttr(JSON.stringify(p.later))}"` : ''}>
<main id="app" aria-live="polite"><p class="loading">Loading…</p></main>
<script type="module" nonce="${escapeAttr(p.nonce)}" src="${escapeAttr(p.script)}"></script>
</body>
</html>`;
}
