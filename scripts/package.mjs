// Builds gradient-lens-<version>.vsix with @vscode/vsce from the e2e folder (set up on demand),
// offline. The bundles are built first by `npm run package`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const vsce = join(root, 'e2e', 'node_modules', '.bin', 'vsce');
if (!existsSync(vsce)) execFileSync('node', [join(root, 'scripts', 'setupE2e.mjs')], { stdio: 'inherit' });
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, `${name}-${version}.vsix`);
execFileSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: root, stdio: 'inherit' });
console.log(`packaged ${out}`);
