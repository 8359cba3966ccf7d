// End-to-end harness: a real VS Code (code-server 4.100.3, i.e. Code 1.100.3) in headless Debian chromium, driven by
// playwright-core, with an extension folder loaded in development mode. Install the tooling with
// `node scripts/setupE2e.mjs`; run the tests with `npx vitest run --config vitest.e2e.mts`.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// playwright-core (the driver only, no browser download) is a root devDependency, so tsc sees its types after a plain
// `npm ci`; e2e/ pins the same version beside code-server.
import { chromium } from 'playwright-core';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';

export type { Browser, FrameLocator, Locator, Page };

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CODE_SERVER = join(ROOT, 'e2e', 'node_modules', '.bin', 'code-server');
const RUNS = join(ROOT, '.tmp', 'e2e-runs'); // keep short: code-server puts unix sockets under the user-data dir
export const RESULTS = join(ROOT, 'test-results');
const CHROMIUM = '/usr/bin/chromium';
const HOST = '127.0.0.1'; // loopback only: webviews need a secure context (crypto.subtle)
/** Hard ceiling for one VS Code session (E2E_TIMEOUT_MS, default 10 min; a test has 240 s in vitest.e2e.mts): after it
 *  everything is killed, so a stuck UI can never hang a run. */
const SESSION_CEILING_MS = Number(process.env.E2E_TIMEOUT_MS ?? 600_000);
/** Lines in code-server's output that mean the extension under test was not loaded. */
const REJECTED = /Extension is not compatible[^\n]*|Cannot read the extension[^\n]*|Error while loading[^\n]*|Failed to load extension[^\n]*/;

/** Settings that keep the workbench quiet and offline: no walkthrough, no tips, no telemetry, no update checks. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = JSON.parse(readFileSync(join(ROOT, 'e2e', 'quietSettings.json'), 'utf8'));

export interface StartOptions {
  /** Folder to open as the workspace. */
  workspace: string;
  /** Extension folder (with its package.json) loaded in development mode through the URL payload. */
  extensionPath: string;
  /** Extra user settings, merged over QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
}

export interface VsCode {
  page: Page;
  browser: Browser;
  /** The workbench URL, with the `payload` that loads the extension in development mode. */
  url: string;
  port: number;
  /** Fresh folder under .tmp/e2e-runs/ with user-data, code-server.log, xdg dirs. */
  runDir: string;
  /** `publisher.name` of the extension under test. */
  extensionId: string;
  /** Browser console lines (errors, and the extension's console.log forwarded as `[Extension Host] ...`). */
  consoleLines: string[];
  /** code-server's stdout+stderr so far. */
  serverLog(): string;
  /** Keep the run dir after stop() (and save test-results/<name>-FAIL.png when a name is given). Call on failure. */
  keep(screenshotName?: string): Promise<void>;
  /** Reload the window ("Developer: Reload Window") and wait for the workbench again. */
  reload(): Promise<void>;
  /** Close the browser, kill code-server's process group; delete the run dir unless keep() or E2E_KEEP=1. */
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** Poll fn until it returns a truthy value; throw `timeout after N ms waiting for <what>` (with the last error) otherwise. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 30_000, stepMs = 200): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timeout after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${errText(last)})` : ''}`);
    await sleep(stepMs);
  }
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, HOST, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

/** Every live code-server process group, killed when this process exits however it exits. */
const liveGroups = new Set<number>();
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  liveGroups.delete(pid);
}
process.on('exit', () => {
  for (const pid of liveGroups) killGroup(pid);
});

function findFiles(dir: string, re: RegExp, acc: string[] = []): string[] {
  if (!existsSync(dir)) return acc;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) findFiles(p, re, acc);
    else if (re.test(e.name)) acc.push(p);
  }
  return acc;
}

/** The workbench URL that opens `workspace` and loads `extensionPath` as a development extension. */
export function workbenchUrl(port: number, workspace: string, extensionPath: string): string {
  // VS Code web "payload": extensionDevelopmentPath on the remote (code-server) side; the CLI flag is rejected.
  const payload = [['extensionDevelopmentPath', `vscode-remote://${HOST}:${port}${resolve(extensionPath)}`]];
  return `http://${HOST}:${port}/?folder=${encodeURIComponent(resolve(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Start code-server + chromium, open the workspace with the extension in dev mode, wait for the workbench. */
export async function startVsCode(opts: StartOptions): Promise<VsCode> {
  if (!existsSync(CODE_SERVER)) throw new Error(`code-server is not installed: run \`node scripts/setupE2e.mjs\` (${CODE_SERVER} missing)`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y --no-install-recommends chromium`);
  const pkgFile = join(opts.extensionPath, 'package.json');
  if (!existsSync(pkgFile)) throw new Error(`extensionPath has no package.json: ${opts.extensionPath}`);
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { publisher?: string; name?: string };
  const extensionId = `${pkg.publisher}.${pkg.name}`;

  mkdirSync(RUNS, { recursive: true });
  const runDir = mkdtempSync(join(RUNS, 'cs-'));
  const userData = join(runDir, 'ud');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(join(runDir, 'ext'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  const logFile = join(runDir, 'code-server.log');
  const serverLog = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  const port = await freePort();
  const fd = openSync(logFile, 'w');
  // detached: its own process group, so kill(-pid) also takes the ext hosts, file watchers and pty host
  const cs: ChildProcess = spawn(CODE_SERVER, codeServerArgs(port, userData, join(runDir, 'ext'), join(runDir, 'config.yaml')), {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: codeServerEnv(runDir),
  });
  closeSync(fd);
  const pid = cs.pid;
  if (pid === undefined) throw new Error(`could not spawn ${CODE_SERVER}`);
  liveGroups.add(pid);
  let exited: string | undefined;
  cs.on('exit', (code, signal) => {
    exited = `code-server exited (${code ?? signal})`;
  });

  let browser: Browser | undefined;
  let kept = process.env.E2E_KEEP === '1';
  let stopped = false;
  const ceiling = setTimeout(() => {
    console.error(`[e2e] session ceiling of ${SESSION_CEILING_MS} ms reached: killing VS Code; logs kept in ${runDir}`);
    kept = true;
    void browser?.close().catch(() => undefined);
    killGroup(pid);
  }, SESSION_CEILING_MS);
  ceiling.unref();

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    clearTimeout(ceiling);
    await browser?.close().catch(() => undefined);
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await waitFor(() => exited !== undefined, 'code-server to exit', 5_000, 100).catch(() => undefined);
    killGroup(pid); // SIGKILL stragglers (ext hosts linger for the reconnection grace period)
    if (kept) console.error(`[e2e] run dir kept: ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  };

  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`${exited}; log:\n${serverLog().slice(-2000)}`);
        return (await fetch(`http://${HOST}:${port}/healthz`)).ok;
      },
      `code-server /healthz on port ${port}`,
      60_000,
      100,
    ).catch((e: unknown) => {
      throw new Error(`${errText(e)}\n${exited ? serverLog().slice(-2000) : ''}`);
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      // crashpad writes ~/.config/chromium unless XDG_CONFIG_HOME points elsewhere
      env: { ...process.env, XDG_CONFIG_HOME: join(runDir, 'xdg-config'), XDG_CACHE_HOME: join(runDir, 'xdg-cache') },
      timeout: 60_000,
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://${HOST}:${port}` });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.setDefaultNavigationTimeout(60_000);
    const consoleLines: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning' || m.text().includes('[Extension Host]')) consoleLines.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));

    const url = workbenchUrl(port, opts.workspace, opts.extensionPath);
    const vs: VsCode = {
      page,
      browser,
      url,
      port,
      runDir,
      extensionId,
      consoleLines,
      serverLog,
      keep: async (screenshotName?: string) => {
        kept = true;
        // the browser's errors and the extension host's lines, for a failure that does not repeat
        writeFileSync(join(runDir, 'console.log'), `${consoleLines.join('\n')}\n`);
        if (screenshotName) await screenshot(page, `${screenshotName}-FAIL`).catch(() => undefined);
      },
      reload: async () => {
        const hostsBefore = readyExtHosts(runDir);
        const loaded = page.waitForEvent('load', { timeout: 60_000 });
        loaded.catch(() => undefined); // awaited below; no unhandled rejection if runCommand throws first
        await runCommand(page, 'Developer: Reload Window');
        await loaded;
        await waitForWorkbench(vs, hostsBefore, opts.extensionPath, false);
      },
      stop,
    };
    await page.goto(url);
    await waitForWorkbench(vs, 0, opts.extensionPath, true);
    return vs;
  } catch (e) {
    kept = true;
    await stop();
    throw new Error(`startVsCode failed: ${errText(e)} (logs kept in ${runDir})`, { cause: e });
  }
}

function codeServerArgs(port: number, userData: string, extensionsDir: string, config: string): string[] {
  return ['--bind-addr', `${HOST}:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', userData, '--extensions-dir', extensionsDir, '--config', config, '--log', 'info'];
}

/** No marketplace calls (empty gallery), and code-server's config/heartbeat/logs kept out of $HOME (XDG_*). */
function codeServerEnv(runDir: string): NodeJS.ProcessEnv {
  return { ...process.env, EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '' }),
    XDG_DATA_HOME: join(runDir, 'xdg-data'), XDG_CONFIG_HOME: join(runDir, 'xdg-config') };
}

/** How many remote extension hosts of this run have finished their startup (each window load starts one). */
function readyExtHosts(runDir: string): number {
  return findFiles(join(runDir, 'ud', 'logs'), /^remoteexthost\.log$/)
    .filter((f) => readFileSync(f, 'utf8').includes('Eager extensions activated')).length;
}

/**
 * Wait for the workbench (and, on a fresh start, the explorer) and a new remote extension host (more than `hostsBefore`) that has loaded the
 * development extension; fail fast when code-server logs that it rejected the extension (e.g. engines.vscode > 1.100.3).
 */
async function waitForWorkbench(vs: VsCode, hostsBefore: number, extensionPath: string, explorer: boolean): Promise<void> {
  const rejected = (): void => {
    const m = REJECTED.exec(vs.serverLog());
    if (m) throw new Error(`code-server rejected the extension ${vs.extensionId}: ${m[0]}`);
  };
  const guarded = async (what: string, locator: Locator, timeoutMs: number): Promise<void> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      rejected();
      try {
        await locator.first().waitFor({ state: 'visible', timeout: 1_000 });
        return;
      } catch {
        if (Date.now() > end) throw new Error(`timeout after ${timeoutMs} ms waiting for ${what}`);
      }
    }
  };
  await guarded('the workbench (.monaco-workbench)', vs.page.locator('.monaco-workbench'), 60_000);
  await guarded('the status bar (.part.statusbar)', vs.page.locator('.monaco-workbench .part.statusbar'), 60_000);
  // the explorer only on a fresh start: after a reload the side bar shows whichever view container was open
  if (explorer) await guarded('the explorer (.explorer-folders-view)', vs.page.locator('.explorer-folders-view'), 60_000);
  // code-server logs "Loading development extension at <path>" when the payload was understood; the extension host
  // logs "Eager extensions activated" once every extension (ours included) is registered, so commands are in the palette
  await waitFor(() => {
    rejected();
    return vs.serverLog().includes(`Loading development extension at ${resolve(extensionPath)}`);
  }, `code-server to load the development extension ${resolve(extensionPath)}`, 60_000, 250);
  await waitFor(() => {
    rejected();
    return readyExtHosts(vs.runDir) > hostsBefore;
  }, 'the extension host to finish starting (remoteexthost.log: "Eager extensions activated")', 90_000, 250);
  rejected();
}

/**
 * Open the command palette (F1) fresh. Escape only closes a quick input that is open: pressed in an editor it
 * would collapse the selection a test just made.
 */
async function openPalette(page: Page): Promise<Locator> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  if (await input.isVisible()) {
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 5_000 });
  }
  // keys go to a webview's iframe while it has focus (and it can take focus back and close the palette):
  // move the focus to the workbench first
  await page.evaluate(() => {
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.tagName === 'IFRAME') active.blur();
  });
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 5_000 });
  return input;
}

/** Run a command by its palette title (e.g. "Gradient Lens: Open"), retrying while the palette is not populated yet. */
export async function runCommand(page: Page, title: string, timeoutMs = 45_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let seen: string[] = [];
  for (let attempt = 1; Date.now() < end; attempt++) {
    try {
      const input = await openPalette(page);
      await input.fill('>' + title, { timeout: 5_000 });
      const rows = page.locator('.quick-input-widget .monaco-list-row');
      // the exact label: neither a fuzzy neighbour ("similar commands") nor a longer title that contains this one
      const exact = new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
      const row = rows.filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: 5_000 });
      } catch (e) {
        seen = await rows.allInnerTexts().catch(() => []);
        throw e;
      }
      await row.click({ timeout: 5_000 });
      // done when the palette closed, or was replaced by a follow-up picker (no '>' prefix any more)
      await waitFor(async () => !(await input.isVisible()) || !(await input.inputValue()).startsWith('>'), 'the palette to close', 10_000, 100);
      return;
    } catch {
      await sleep(Math.min(1_000 * attempt, 3_000));
    }
  }
  throw new Error(`command "${title}" not found in the palette within ${timeoutMs} ms; rows seen: ${JSON.stringify(seen.map((s) => s.replace(/\s+/g, ' ')).slice(0, 8))}`);
}

/** Wait for a notification toast containing `text`; the error lists the toasts that are visible. */
export async function notification(page: Page, text: string, timeoutMs = 20_000): Promise<Locator> {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  const toast = toasts.filter({ hasText: text }).first();
  try {
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const visible = await toasts.allInnerTexts().catch(() => []);
    throw new Error(`no notification containing "${text}" within ${timeoutMs} ms; visible: ${JSON.stringify(visible.map((s) => s.replace(/\s+/g, ' ')))}`);
  }
  return toast;
}

export interface WebviewSelector {
  /** true: a WebviewView (side bar/panel view); false: a WebviewPanel (editor tab). */
  view: boolean;
  /** `publisher.name` of the extension that owns the webview. */
  extensionId: string;
}

/**
 * The content frame of a visible webview of the extension: outer `iframe.webview.ready[src*=extensionId=...]`
 * → inner `iframe#active-frame`. Locators in it wait as usual, e.g. `webviewFrame(...).locator('#status')`.
 */
export function webviewFrame(page: Page, sel: WebviewSelector): FrameLocator {
  const css = `iframe.webview.ready[src*="extensionId=${sel.extensionId}"]` +
    (sel.view ? '[src*="purpose=webviewView"]' : ':not([src*="purpose=webviewView"])');
  return page.locator(css).filter({ visible: true }).first().contentFrame().locator('iframe#active-frame').contentFrame();
}

/** Bring the editor tab whose label contains `label` (e.g. a webview panel's title) to the front of its group. */
export async function activateTab(page: Page, label: string, timeoutMs = 15_000): Promise<void> {
  const tab = page.locator('.tabs-container .tab', { hasText: label }).first();
  await tab.click({ timeout: timeoutMs });
  await waitFor(async () => (await tab.getAttribute('class'))?.split(/\s+/).includes('active'), `tab "${label}" to be active`, timeoutMs, 100);
}

/** The editor of the active editor group. */
function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** Open a workspace file with quick open (F1 without '>'), and wait for its tab to be the active one. */
export async function openFile(page: Page, relativePath: string, timeoutMs = 30_000): Promise<void> {
  const rel = relativePath.replace(/\\/g, '/').replace(/^\.?\//, '');
  const base = rel.split('/').pop() ?? rel;
  const activeTab = page.locator('.editor-group-container.active .tab.active', { hasText: base });
  await waitFor(async () => {
    const input = await openPalette(page);
    await input.fill(rel, { timeout: 5_000 });
    // rows show the file name and, as description, its folder: pick the one whose aria-label has the whole path
    const row = page.locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: base }) })
      .filter({ hasText: rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : base }).first();
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    await row.click({ timeout: 5_000 });
    await activeTab.waitFor({ state: 'visible', timeout: 5_000 });
    await activeEditor(page).waitFor({ state: 'visible', timeout: 5_000 });
    return true;
  }, `quick open to open ${rel}`, timeoutMs, 500);
}

/** Focus the text editor of the active group (clicking its text moves the cursor; callers reposition it). */
async function focusEditor(page: Page): Promise<void> {
  const editor = activeEditor(page);
  await editor.waitFor({ state: 'visible' });
  await editor.locator('.view-lines').click();
  await waitFor(() => editor.evaluate((el) => el.classList.contains('focused')), 'the active editor to take focus', 5_000, 100);
}

/** Ctrl+A in the active text editor. */
export async function selectAllInEditor(page: Page): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press('Control+A');
}

/** The text selected in the active editor, read through the clipboard (Ctrl+C). */
export async function selectedText(page: Page): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.keyboard.press('Control+C');
  return waitFor(() => page.evaluate(() => navigator.clipboard.readText()), 'the selection on the clipboard', 5_000, 100);
}

/**
 * Select the `occurrence`-th (1-based) exact, case-sensitive occurrence of `text` in the active editor with the find
 * widget (from the top of the file), close the widget, and check the selection through the clipboard.
 */
export async function selectText(page: Page, text: string, occurrence = 1): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+F');
  const widget = page.locator('.editor-group-container.active .find-widget.visible').first();
  const input = widget.locator('.find-part .monaco-findInput textarea, .find-part .monaco-findInput input').first();
  await input.waitFor({ state: 'visible' });
  // exact text: case-sensitive on, whole word off, regex off
  for (const [label, on] of [['Match Case', true], ['Match Whole Word', false], ['Use Regular Expression', false]] as const) {
    const toggle = widget.locator(`.find-part .monaco-custom-toggle[aria-label^="${label}"]`).first();
    if ((await toggle.getAttribute('aria-checked')) !== String(on)) await toggle.click();
  }
  await input.fill(text);
  const count = widget.locator('.matchesCount');
  const counted = await waitFor(async () => {
    const t = (await count.innerText()).trim();
    return /^(\d+|\?) of (\d+)/.test(t) || /^No results/.test(t) ? t : '';
  }, `the find widget to count "${text}"`, 10_000, 100);
  const total = Number(/of (\d+)/.exec(counted)?.[1] ?? 0);
  if (total < occurrence) throw new Error(`selectText: "${text}" occurs ${total} time(s) in the active editor (find says "${counted}"), wanted occurrence ${occurrence}`);
  // the widget selects the first match after the cursor (at the top); Enter goes to the next one
  await waitFor(async () => (await count.innerText()).trim().startsWith('1 of'), 'the first match to be selected', 5_000, 100);
  for (let i = 1; i < occurrence; i++) {
    await input.press('Enter');
    await waitFor(async () => (await count.innerText()).trim().startsWith(`${i + 1} of`), `match ${i + 1} to be selected`, 5_000, 100);
  }
  // close the widget (focus goes back to the editor, the match stays selected); Escape, else its close button
  await waitFor(async () => {
    if (await widget.isHidden()) return true;
    await input.press('Escape');
    try {
      await widget.waitFor({ state: 'hidden', timeout: 2_000 });
    } catch {
      await widget.locator('.codicon-widget-close').first().click({ timeout: 2_000 });
      await widget.waitFor({ state: 'hidden', timeout: 2_000 });
    }
    return true;
  }, 'the find widget to close', 15_000, 200);
  const got = await selectedText(page);
  if (got.replace(/\r\n/g, '\n') !== text.replace(/\r\n/g, '\n')) throw new Error(`selectText: wanted ${JSON.stringify(text)} selected, the editor has ${JSON.stringify(got)}`);
}

/** Save a full-page screenshot (webviews included) to test-results/<name>.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, timeout: 15_000 });
  return file;
}

/**
 * VS Code with Gradient Lens (this project) loaded and a scratch copy of examples/ open, so a test
 * may change files freely; `close()` stops it and removes the copy.
 */
export async function startWithExamples(): Promise<{ vs: VsCode; close(): Promise<void> }> {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const ws = mkdtempSync(join(ROOT, '.tmp', 'ws-'));
  cpSync(join(ROOT, 'examples'), ws, { recursive: true });
  const vs = await startVsCode({ workspace: ws, extensionPath: ROOT });
  return {
    vs,
    async close() {
      await vs.stop();
      rmSync(ws, { recursive: true, force: true });
    },
  };
}
