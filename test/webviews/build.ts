/** Webview tests run against the bundles: build them once per test file (about a second). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

let built = false;
export function buildOnce(): void {
  if (built) return;
  execFileSync('node', [join(__dirname, '../../scripts/build.mjs')], { cwd: join(__dirname, '../..') });
  built = true;
}
