/**
 * Loads a built webview page in headless Chromium exactly as VS Code would serve it: the real HTML
 * with its CSP, the bundle and styles from dist/ and media/ (through request routing, no server),
 * and a stand-in acquireVsCodeApi that records posts and state. CSP violations are collected.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { laterScripts, webviewHtml } from '../../src/webviews/html';
import type { ViewName } from '../../src/webviews/webviewPage';

/** The project root, from test/webviews or from the bench's bundle in dist/. */
function projectRoot(from: string): string {
  let d = from;
  while (!existsSync(join(d, 'package.json')) || !existsSync(join(d, 'media', 'webview.css'))) {
    if (dirname(d) === d) throw new Error(`no project root above ${from}`);
    d = dirname(d);
  }
  return d;
}
const root = projectRoot(__dirname);
const ORIGIN = 'https://webview.test';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.map': 'application/json' };

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface WebviewPage {
  page: Page;
  /** console errors, page errors and CSP violations */
  problems: string[];
  post(message: unknown): Promise<void>;
  posted(): Promise<unknown[]>;
  state(): Promise<unknown>;
}

/**
 * `reply`: a message the stand-in host posts back as soon as the page says 'ready' (as the real
 * panel answers with its first trace), for measuring the whole first load.
 */
export async function openView(browser: Browser, view: ViewName, opts: { state?: unknown; theme?: 'dark' | 'light' | 'high-contrast'; reply?: unknown } = {}): Promise<WebviewPage> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/index.html') {
      return route.fulfill({ contentType: 'text/html', body: webviewHtml({ cspSource: ORIGIN, nonce: 'testnonce123', title: view, view, script: `${ORIGIN}/dist/webviews/${view}.js`, later: laterScripts(view).map((f) => `${ORIGIN}/dist/webviews/${f}`), styles: [`${ORIGIN}/dist/webviews/katex/katex.min.css`, `${ORIGIN}/media/webview.css`] }) });
    }
    try {
      return route.fulfill({ contentType: TYPES[extname(path)] ?? 'application/octet-stream', body: readFileSync(join(root, path)) });
    } catch {
      return route.fulfill({ status: 404, body: '' });
    }
  });
  await page.addInitScript(({ state, theme, reply }) => {
    const w = window as unknown as { __posted: unknown[]; __state: unknown; __readyAt?: number; acquireVsCodeApi: () => unknown };
    w.__posted = [];
    w.__state = state;
    // __readyAt: ms from the start of the page's navigation to its 'ready' (the bench reads it)
    const ready = (): void => {
      if (w.__readyAt !== undefined) return;
      w.__readyAt = performance.now();
      if (reply !== undefined) setTimeout(() => window.postMessage(reply, '*'), 0);
    };
    w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => { if ((m as { type?: string })?.type === 'ready') ready(); w.__posted.push(m); }, getState: () => w.__state, setState: (s: unknown) => { w.__state = s; } });
    document.addEventListener('DOMContentLoaded', () => document.body.classList.add(`vscode-${theme}`));
  }, { state: opts.state, theme: opts.theme ?? 'dark', reply: opts.reply });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return {
    page,
    problems,
    post: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    state: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
  };
}

/** Sets VS Code theme variables the way the workbench does (on <html> style) and the body class. */
export async function setTheme(page: Page, kind: 'dark' | 'light', vars: Record<string, string>): Promise<void> {
  await page.evaluate(({ kind, vars }) => {
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    document.body.classList.remove('vscode-dark', 'vscode-light');
    document.body.classList.add(`vscode-${kind}`);
  }, { kind, vars });
}

/** How many pixels of a canvas are painted (alpha > 0): a chart that silently shows nothing has 0. */
export function paintedPixels(canvas: HTMLCanvasElement): number {
  const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
}
