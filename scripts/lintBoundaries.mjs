// The import boundaries: the pure core (engine, models, front ends, explainer) never imports
// `vscode`, and the engine imports nothing outside itself. Exits 1 naming each offending line.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const rules = [
  { dirs: ['src/engine', 'src/models', 'src/frontends', 'src/explain', 'src/cli', 'src/webviews/ui', 'src/workers'], forbid: /^vscode$/, why: 'must not import vscode' },
  // the homework checker is pure; only its editor adapters (src/homework/editor) talk to VS Code
  { dirs: ['src/homework'], skip: 'src/homework/editor', forbid: /^vscode$/, why: 'must not import vscode (adapters go in src/homework/editor)' },
  { dirs: ['src/engine'], forbid: /^\.\.\//, why: 'the engine must not import outside src/engine' },
];

const files = (dir) => !existsSync(dir) ? [] : readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
});

const importRe = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
let bad = 0;
for (const { dirs, forbid, why, skip } of rules) {
  for (const file of dirs.flatMap(files).filter((f) => !skip || !f.startsWith(skip))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(importRe)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (forbid.test(spec)) { console.error(`${file}:${i + 1}: '${spec}': ${why}`); bad++; }
      }
    });
  }
}
if (bad) process.exit(1);
console.log('import boundaries: ok');
