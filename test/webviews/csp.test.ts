/**
 * Every webview's page: a CSP with default-src 'none', scripts only by nonce, no unsafe-* and no
 * remote source, and nothing in the host or webview code that loosens it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, laterScripts, makeNonce, webviewHtml } from '../../src/webviews/html';
import type { ViewName } from '../../src/webviews/webviewPage';

const VIEWS: ViewName[] = ['bptt', 'flow', 'attention', 'explain', 'code'];
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function policyOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  if (!m) throw new Error('no CSP meta tag');
  return m[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

describe('content security policy', () => {
  it.each(VIEWS)('%s: strict, nonce-only scripts, only the extension\'s own resources', (view) => {
    const nonce = makeNonce();
    const html = webviewHtml({ cspSource: CSP_SOURCE, nonce, title: view, view, script: `${CSP_SOURCE}/dist/webviews/${view}.js`, later: laterScripts(view).map((f) => `${CSP_SOURCE}/dist/webviews/${f}`), styles: [`${CSP_SOURCE}/media/webview.css`] });
    const policy = policyOf(html);
    const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual([`'nonce-${nonce}'`]);
    expect(policy).not.toMatch(/unsafe-/);
    for (const [name, sources] of directives) {
      for (const s of sources) {
        // each source is 'none', a nonce, the extension's own resource origin, or data: for images
        expect([`'none'`, `'nonce-${nonce}'`, CSP_SOURCE, ...(name === 'img-src' ? ['data:'] : [])], `${name} ${s}`).toContain(s);
      }
    }
    // the one script on the page carries the nonce (the entry gives it to the scripts it loads
    // later), and nothing is loaded from elsewhere
    const scripts = html.match(/<script[^>]*>/g)!;
    expect(scripts.length).toBe(1);
    expect(scripts[0]).toContain(`nonce="${nonce}"`);
    for (const url of html.match(/(?:src|href)="([^"]+)"/g)!) expect(url).toContain(CSP_SOURCE);
    const later = /data-later-scripts="([^"]*)"/.exec(html);
    expect(later ? (JSON.parse(later[1].replace(/&quot;/g, '"')) as string[]) : []).toEqual(laterScripts(view).map((f) => `${CSP_SOURCE}/dist/webviews/${f}`));
  });

  it('makes a fresh random nonce each time', () => {
    const a = makeNonce(), b = makeNonce();
    expect(a).not.toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(24);
  });

  it('is the only policy builder, and no code asks for unsafe-* or keeps webviews alive when hidden', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    const src = files(join(__dirname, '../../src')).filter((f) => f.endsWith('.ts'));
    for (const f of src) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/unsafe-inline|unsafe-eval|retainContextWhenHidden/);
      if (!f.endsWith('html.ts')) expect(text, f).not.toMatch(/Content-Security-Policy/);
    }
  });

  it('escapes what goes into attributes', () => {
    expect(contentSecurityPolicy('a', 'n')).toBe("default-src 'none'; script-src 'nonce-n'; style-src a; font-src a; img-src a data:");
    const html = webviewHtml({ cspSource: 'x', nonce: 'n', title: '<b>"t"</b>', view: 'bptt', script: 'x/s.js', styles: [] });
    expect(html).toContain('<title>&lt;b&gt;&quot;t&quot;&lt;/b&gt;</title>');
  });
});
