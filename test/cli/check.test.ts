/**
 * `gradient-lens check`: one line per claim with 1-based positions, exit 0 / 1 / 2, and the JSON
 * shape autograders read.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/runCli';

const tmp = mkdtempSync(join(tmpdir(), 'gl-check-'));
const write = (name: string, content: string) => {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
};

const right = write('right.md', '# HW\n\nf = x^2 exp(-x)\ndf/dx = x (2 - x) exp(-x)\n$\\frac{d}{dz}\\sigma(z) = \\sigma(z)(1 - \\sigma(z))$\n');
const wrong = write('wrong.txt', 'intro\n  d/dx exp(-x) = exp(-x)\n');
const broken = write('broken.py', '# check: d/dx x^2 = 2*x)\n');

describe('gradient-lens check', () => {
  it('exits 0 when every claim is right, one line per claim with 1-based line and column', () => {
    const r = runCli(['check', right]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      `${right}:4:1: correct: Derivative checked at 20 points (worst relative error ${r.stdout.match(/error ([^)]+)\)/)![1]}).`,
      expect.stringMatching(new RegExp(`^${right.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:2: correct: `)),
    ]);
    expect(r.stdout).toContain('2 claims: 2 correct, 0 incorrect, 0 not checked');
  });

  it('exits 1 when a claim is wrong, with the diagnosis', () => {
    const r = runCli(['check', right, wrong]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${wrong}:2:3: incorrect: Sign error`);
  });

  it('exits 2 on a claim that does not parse or a file it cannot read, whatever else is wrong', () => {
    const parse = runCli(['check', wrong, broken]);
    expect(parse.code).toBe(2);
    expect(parse.stdout).toContain(`${broken}:1:24: error: unexpected ')' at column 24`);
    const missing = runCli(['check', join(tmp, 'nope.md')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('cannot read the file (ENOENT)');
    expect(runCli(['check', write('x.docx', 'x')]).code).toBe(2);
    expect(runCli(['check']).code).toBe(2);
    expect(runCli(['check', right, '--feedback', 'loud']).stderr).toContain('--feedback: expected verdict or hint or full');
  });

  it('--json gives one object per claim with the documented keys', () => {
    const r = runCli(['check', '--json', right, wrong]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(3);
    expect(Object.keys(out[0])).toEqual(['file', 'line', 'column', 'lhs', 'claim', 'verdict', 'message']);
    expect(out[0]).toMatchObject({ file: right, line: 4, column: 1, lhs: 'df/dx', claim: 'x (2 - x) exp(-x)', verdict: 'correct' });
    expect(out[2]).toMatchObject({ file: wrong, line: 2, column: 3, lhs: 'd/dx exp(-x)', claim: 'exp(-x)', verdict: 'incorrect', mistake: 'sign-error' });
  });

  it('--feedback verdict hides the diagnosis; full adds the correct derivative', () => {
    const verdict = JSON.parse(runCli(['check', '--json', '--feedback', 'verdict', wrong]).stdout)[0];
    expect(verdict.mistake).toBeUndefined();
    const full = JSON.parse(runCli(['check', '--json', '--feedback', 'full', wrong]).stdout)[0];
    expect(full).toMatchObject({ mistake: 'sign-error', correct: { text: '-exp(-x)' } });
  });

  it('reads notebooks, with the cell in the position', () => {
    const nb = write('hw.ipynb', JSON.stringify({ cells: [{ cell_type: 'markdown', source: 'intro' }, { cell_type: 'code', source: 'x = 1\n# check: d/dx x^3 = 3*x^2\n' }] }));
    const r = runCli(['check', nb]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${nb}:cell 2:2:10: correct`);
    expect(runCli(['check', write('bad.ipynb', '{not json')]).code).toBe(2);
  });
});
