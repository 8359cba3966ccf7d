/**
 * Self-test of the E2E harness on a throwaway extension written at run time: palette command → notification,
 * WebviewPanel text, quick open + exact text selection, screenshot, window reload. Proves the harness, not the product.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, onTestFailed } from 'vitest';
import type { VsCode } from './harness';
import {
  ROOT, notification, openFile, runCommand, screenshot, selectAllInEditor, selectText, selectedText, startVsCode, webviewFrame,
} from './harness';

const PROBE_JS = `const vscode = require('vscode');
exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('harnessProbe.hello', () => vscode.window.showInformationMessage('Hello from the harness probe')),
    vscode.commands.registerCommand('harnessProbe.openPanel', () => {
      const panel = vscode.window.createWebviewPanel('harnessProbe.panel', 'Harness Probe Panel', vscode.ViewColumn.One, {});
      panel.webview.html = '<!DOCTYPE html><html><body><p id="text">harness-webview-ok</p></body></html>';
    }),
    vscode.commands.registerCommand('harnessProbe.showSelection', () => {
      const e = vscode.window.activeTextEditor;
      const s = e ? e.selection.start : undefined;
      vscode.window.showInformationMessage(e ? 'selection: [' + e.document.getText(e.selection) + '] at ' + (s.line + 1) + ':' + (s.character + 1) : 'no editor');
    }),
  );
};
`;
const SAMPLE = 'alpha beta gamma\ndelta\nBeta gamma beta gamma end\n';

const tmp = join(ROOT, '.tmp');
mkdirSync(tmp, { recursive: true });
const dir = mkdtempSync(join(tmp, 'harness-selftest-'));
const extensionPath = join(dir, 'ext');
const workspace = join(dir, 'ws');
mkdirSync(extensionPath);
mkdirSync(join(workspace, 'notes'), { recursive: true });
writeFileSync(join(extensionPath, 'package.json'), JSON.stringify({
  name: 'harness-probe', publisher: 'harness', version: '0.0.1', engines: { vscode: '^1.100.0' },
  main: './extension.js', activationEvents: [],
  contributes: {
    commands: [
      { command: 'harnessProbe.hello', title: 'Harness Probe: Hello' },
      { command: 'harnessProbe.openPanel', title: 'Harness Probe: Open Panel' },
      { command: 'harnessProbe.showSelection', title: 'Harness Probe: Show Selection' },
    ],
  },
}, null, 2));
writeFileSync(join(extensionPath, 'extension.js'), PROBE_JS);
writeFileSync(join(workspace, 'notes', 'sample.txt'), SAMPLE);

let vs: VsCode | undefined;
let failed = false;

afterAll(async () => {
  await vs?.stop();
  if (!failed) rmSync(dir, { recursive: true, force: true });
});

it('drives a real VS Code: palette, notification, webview, selection, screenshot, reload', async () => {
  onTestFailed(async () => {
    failed = true;
    await vs?.keep('harness-selftest');
  });
  vs = await startVsCode({ workspace, extensionPath, settings: { 'editor.fontSize': 14 } });
  const { page, extensionId } = vs;
  expect(extensionId).toBe('harness.harness-probe');

  await runCommand(page, 'Harness Probe: Hello');
  await notification(page, 'Hello from the harness probe');

  await runCommand(page, 'Harness Probe: Open Panel');
  const text = webviewFrame(page, { view: false, extensionId }).locator('#text');
  await text.waitFor();
  expect(await text.textContent()).toBe('harness-webview-ok');
  await text.click(); // focus inside a webview: the palette must still open


  await openFile(page, 'notes/sample.txt');
  await selectText(page, 'beta gamma', 2); // case-sensitive: skips "Beta gamma" on line 3
  await runCommand(page, 'Harness Probe: Show Selection');
  await notification(page, 'selection: [beta gamma] at 3:12');
  await selectText(page, 'delta\nBeta'); // across a line break
  await selectAllInEditor(page);
  expect(await selectedText(page)).toBe(SAMPLE);

  expect(existsSync(await screenshot(page, 'harness-selftest'))).toBe(true);

  await vs.reload();
  await expect.poll(() => page.locator('.monaco-workbench').isVisible()).toBe(true);
  await runCommand(page, 'Harness Probe: Hello');
  await notification(page, 'Hello from the harness probe');
});
