// Idempotent install of the E2E tooling in e2e/ (code-server = a real VS Code, playwright-core, vsce).
// Fast no-op when already installed; otherwise checks the Debian prerequisites, seeds ripgrep, runs `npm ci`.
// Usage: node scripts/setupE2e.mjs   (exit 1 with the apt command to run when a system package is missing)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const E2E = join(ROOT, 'e2e');
const TMP = join(ROOT, '.tmp');
const CODE_SERVER = join(E2E, 'node_modules', '.bin', 'code-server');
const RG_VERSION = '1.15.11'; // @vscode/ripgrep version pinned inside code-server 4.100.3
const RG_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const T0 = Date.now();
const log = (msg) => console.log(`[setup-e2e ${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

const wanted = JSON.parse(readFileSync(join(E2E, 'package.json'), 'utf8')).devDependencies;

/** Version of an installed package in e2e/node_modules, or undefined. */
function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(join(E2E, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** `code-server --version` ("4.100.3 <commit> with Code 1.100.3"), with XDG dirs kept out of $HOME: even --version
 *  writes a default config file, and logs a line about it before the version the first time. */
function codeServerVersion() {
  if (!existsSync(CODE_SERVER)) return undefined;
  const r = spawnSync(CODE_SERVER, ['--version'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, XDG_CONFIG_HOME: join(TMP, 'xdg-config'), XDG_DATA_HOME: join(TMP, 'xdg-data') },
  });
  return r.status === 0 ? /^(\d+\.\d+\.\d+) [0-9a-f]{40}/m.exec(r.stdout)?.[1] : undefined;
}

function isInstalled() {
  if (installedVersion('playwright-core') !== wanted['playwright-core']) return false;
  if (installedVersion('@vscode/vsce') !== wanted['@vscode/vsce']) return false;
  if (installedVersion('code-server') !== wanted['code-server']) return false;
  return codeServerVersion() === wanted['code-server'];
}

if (isInstalled()) {
  log(`e2e tooling ready: code-server ${wanted['code-server']}, playwright-core ${wanted['playwright-core']} (${Date.now() - T0} ms)`);
  process.exit(0);
}

// 1) Debian prerequisites. CI's .ci/run apt-installs chromium, libkrb5-dev and ripgrep; we never apt-get here.
const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const prereqs = [
  { pkg: 'chromium', ok: () => existsSync('/usr/bin/chromium'), what: '/usr/bin/chromium (the browser the tests drive)' },
  { pkg: 'ripgrep', ok: () => onPath('rg'), what: 'rg (seeds @vscode/ripgrep, which would download from GitHub)' },
  { pkg: 'libkrb5-dev', ok: () => existsSync('/usr/include/gssapi/gssapi.h'), what: 'gssapi/gssapi.h (kerberos native module)' },
  { pkg: 'make', ok: () => onPath('make'), what: 'make (node-gyp)' },
  { pkg: 'g++', ok: () => onPath('g++'), what: 'g++ (node-gyp)' },
  { pkg: 'python3', ok: () => onPath('python3'), what: 'python3 (node-gyp)' },
];
const missing = prereqs.filter((p) => !p.ok());
if (missing.length) {
  for (const m of missing) console.error(`missing: ${m.what}`);
  console.error(`install them with:\n  apt-get update && apt-get install -y --no-install-recommends ${missing.map((m) => m.pkg).join(' ')}`);
  process.exit(1);
}
if (!existsSync('/usr/include/node/node.h')) {
  console.error('missing: /usr/include/node/node.h (node headers for node-gyp, from the nodejs Debian package); node-gyp cannot download them offline');
  process.exit(1);
}
log('prerequisites ok: chromium, rg, gssapi.h, make, g++, python3, node headers');

// 2) Seed @vscode/ripgrep's download cache (<os.tmpdir()>/vscode-ripgrep-cache-<ver>/<asset>) with Debian's rg.
//    TMPDIR points inside the project (.tmp/, gitignored) and stays set for npm so postinstall finds it.
mkdirSync(TMP, { recursive: true });
const rgCache = join(TMP, `vscode-ripgrep-cache-${RG_VERSION}`);
if (!existsSync(join(rgCache, RG_ASSET))) {
  mkdirSync(rgCache, { recursive: true });
  const stage = mkdtempSync(join(TMP, 'rg-stage-'));
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  copyFileSync(rg, join(stage, 'rg'));
  execFileSync('tar', ['czf', join(rgCache, RG_ASSET), '-C', stage, 'rg']);
  rmSync(stage, { recursive: true, force: true });
  log(`seeded ripgrep cache ${rgCache}`);
}

// 3) npm ci in e2e/ (native builds: about 2 min on 2 cores).
log('running npm ci in e2e/ (code-server builds native modules: expect ~2 min)');
const env = {
  ...process.env,
  TMPDIR: TMP,
  npm_config_unsafe_perm: 'true', // code-server's postinstall.sh refuses to run as root without it
  npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp@...`; ~/.npmrc may say yes=false
  npm_config_nodedir: '/usr', // node headers from /usr/include/node; node-gyp cannot download them offline
};
const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: E2E, env, stdio: 'inherit' });
if (npm.status !== 0) {
  console.error(`npm ci in e2e/ failed (exit ${npm.status ?? npm.signal}) after ${((Date.now() - T0) / 1000).toFixed(0)} s`);
  process.exit(1);
}
const version = codeServerVersion();
if (version !== wanted['code-server'] || installedVersion('playwright-core') !== wanted['playwright-core']) {
  console.error(`after npm ci: code-server --version printed ${version ?? 'nothing'}, playwright-core is ${installedVersion('playwright-core') ?? 'missing'}`);
  process.exit(1);
}
log(`e2e tooling installed: code-server ${version}, playwright-core ${installedVersion('playwright-core')} in ${((Date.now() - T0) / 1000).toFixed(0)} s`);
