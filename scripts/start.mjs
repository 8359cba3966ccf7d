// `npm start`: build, then serve a real VS Code (code-server) on 127.0.0.1 with this project loaded as a development
// extension and examples/ open, in a persistent profile under .tmp/vscode-user/. Ctrl-C stops everything it started.
// Env: PORT (default 8090; a free port is used when it is taken).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, closeSync, watchFile, unwatchFile } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CODE_SERVER = join(ROOT, 'e2e', 'node_modules', '.bin', 'code-server');
const PROFILE = join(ROOT, '.tmp', 'vscode-user');
const WORKSPACE = join(ROOT, 'examples');
const HOST = '127.0.0.1'; // webviews need a secure context: loopback, never a LAN address
const log = (msg) => console.log(`[start] ${msg}`);

// 1) the extension bundle
const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) {
  console.error(`[start] build failed (exit ${build.status ?? build.signal})`);
  process.exit(1);
}
if (!existsSync(join(ROOT, 'dist', 'extension.js'))) log('note: dist/extension.js is not built yet; VS Code will list the extension but cannot activate it');

// 2) code-server (installed into e2e/ by the idempotent setup; a no-op when present)
if (!existsSync(CODE_SERVER)) log('code-server is missing: installing the e2e tooling (about 2 min)');
const setup = spawnSync(process.execPath, [join(ROOT, 'scripts', 'setupE2e.mjs')], { cwd: ROOT, stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 1);

// 3) a persistent profile with quiet settings (keys the user already set are kept)
const userData = join(PROFILE, 'user-data');
mkdirSync(join(userData, 'User'), { recursive: true });
mkdirSync(join(PROFILE, 'extensions'), { recursive: true });
const settingsFile = join(userData, 'User', 'settings.json');
let settings = {};
try {
  settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
} catch {
  /* missing or not plain JSON (comments): rewrite it */
}
// the same quiet, offline workbench the end-to-end tests use (no walkthrough, no telemetry, no updates)
const quiet = JSON.parse(readFileSync(join(ROOT, 'e2e', 'quietSettings.json'), 'utf8'));
writeFileSync(settingsFile, JSON.stringify({ ...quiet, ...settings }, null, 2));

// 4) a port: PORT or 8090, else any free one
const portFree = (port) => new Promise((res) => {
  const s = createServer();
  s.once('error', () => res(false));
  s.listen(port, HOST, () => s.close(() => res(true)));
});
const anyFreePort = () => new Promise((res, rej) => {
  const s = createServer();
  s.once('error', rej);
  s.listen(0, HOST, () => { const { port } = s.address(); s.close(() => res(port)); });
});
const wanted = Number(process.env.PORT || 8090);
let port = wanted;
if (!(await portFree(wanted))) {
  port = await anyFreePort();
  log(`port ${wanted} is taken: using ${port}`);
}

// 5) code-server in its own process group (kill(-pid) also ends its ext hosts, file watchers, pty host)
const logFile = join(PROFILE, 'code-server.log');
const fd = openSync(logFile, 'a');
const cs = spawn(CODE_SERVER, [
  '--bind-addr', `${HOST}:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
  '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
  '--user-data-dir', userData, '--extensions-dir', join(PROFILE, 'extensions'), '--config', join(PROFILE, 'config.yaml'), '--log', 'info',
], {
  detached: true,
  stdio: ['ignore', fd, fd],
  env: { ...process.env, EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '' }),
    XDG_DATA_HOME: join(PROFILE, 'xdg-data'), XDG_CONFIG_HOME: join(PROFILE, 'xdg-config') },
});
closeSync(fd);

let stopping = false;
const killGroup = (signal) => {
  try {
    process.kill(-cs.pid, signal);
  } catch {
    /* already gone */
  }
};
process.on('exit', () => killGroup('SIGKILL'));
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping code-server`);
  killGroup('SIGTERM');
  const force = setTimeout(() => { killGroup('SIGKILL'); process.exit(130); }, 5000);
  cs.once('exit', () => { clearTimeout(force); killGroup('SIGKILL'); process.exit(0); });
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGHUP', () => stop('SIGHUP'));
cs.on('exit', (code, signal) => {
  if (stopping) return;
  console.error(`[start] code-server exited (${code ?? signal}); see ${logFile}`);
  killGroup('SIGKILL');
  process.exit(1);
});

const t0 = Date.now();
for (;;) {
  try {
    if ((await fetch(`http://${HOST}:${port}/healthz`)).ok) break;
  } catch {
    /* not listening yet */
  }
  if (Date.now() - t0 > 60_000) {
    console.error(`[start] code-server did not answer /healthz within 60 s; see ${logFile}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}

// the payload URL: VS Code web loads ROOT as a development extension (the --extensionDevelopmentPath flag is rejected)
const payload = [['extensionDevelopmentPath', `vscode-remote://${HOST}:${port}${ROOT}`]];
const url = `http://${HOST}:${port}/?folder=${encodeURIComponent(WORKSPACE)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
const size = readFileSync(logFile, 'utf8').length;
console.log(`
  Gradient Lens in VS Code (code-server) is ready. Open this URL (it loads the extension from ${ROOT}):

  ${url}

  (plain VS Code without the extension: http://${HOST}:${port}/ ; log: ${logFile})
  Press Ctrl-C to stop.
`);

// say so loudly when code-server refuses the extension (e.g. engines.vscode newer than 1.100.3)
let reported = size;
watchFile(logFile, { interval: 1000 }, () => {
  const text = readFileSync(logFile, 'utf8');
  const m = /Extension is not compatible[^\n]*|Cannot read the extension[^\n]*|Error while loading[^\n]*/.exec(text.slice(reported));
  if (m) console.error(`[start] code-server: ${m[0]}`);
  reported = text.length;
});
process.on('exit', () => unwatchFile(logFile));
