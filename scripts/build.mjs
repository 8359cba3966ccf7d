// Bundles with esbuild: the extension host, its worker and the CLI for node (cjs, `vscode`
// external); one browser (esm) bundle per webview; and copies KaTeX's CSS and fonts beside them.
// Type checking is `npm run typecheck`. Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };
const browser = { ...common, platform: 'browser', format: 'esm', target: 'chrome120' };

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/workers/jobWorker.ts'], outfile: 'dist/jobWorker.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  // the bench drives Chromium through playwright-core, which is loaded from node_modules, not bundled
  { ...node, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js', external: ['vscode', 'playwright-core'] },
  // KaTeX for Explain Gradient, as a classic script its page runs after the entry (html.ts laterScripts)
  { ...browser, format: 'iife', entryPoints: { katex: 'src/webviews/ui/katexGlobal.ts' }, outdir: 'dist/webviews' },
  { ...browser, entryPoints: { bptt: 'src/webviews/ui/bptt.ts', flow: 'src/webviews/ui/flow.ts', attention: 'src/webviews/ui/attention.ts', explain: 'src/webviews/ui/explain.ts', code: 'src/webviews/ui/code.ts' }, outdir: 'dist/webviews' },
].filter((b) => (Array.isArray(b.entryPoints) ? b.entryPoints : Object.values(b.entryPoints)).every((e) => existsSync(e)));

mkdirSync('dist/webviews/katex', { recursive: true });
cpSync('node_modules/katex/dist/katex.min.css', 'dist/webviews/katex/katex.min.css');
cpSync('node_modules/katex/dist/fonts', 'dist/webviews/katex/fonts', { recursive: true });

const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
