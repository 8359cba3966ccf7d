/**
 * The homework corpus against PyTorch autograd (fixtures/python, made by scripts/makePythonFixtures.py
 * running the same files under torch): loss and every gradient to 1e-9, and every labeled bug
 * (`# BUG(params): ...` on the line to fix) found by Check Backward Pass at that parameter and line.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tracePython } from '../../../src/frontends/python/trace';
import { checkBackward } from '../../../src/frontends/python/checkBackward';

const dir = join(__dirname, 'corpus');
const fixtures = join(__dirname, '../../../fixtures/python');
const files = readdirSync(dir).filter((f) => f.endsWith('.py')).sort();
const tol = { rtol: 1e-9, floor: 1e-14 };

function bugs(text: string): { params: string[]; line: number } | undefined {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => /# BUG\(/.test(l));
  if (i < 0) return undefined;
  return { params: /# BUG\(([^)]*)\)/.exec(lines[i])![1].split(',').map((s) => s.trim()), line: i + 1 };
}

describe('Python corpus against PyTorch', () => {
  it('has at least 10 files, correct and buggy, covering the required models', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    expect(texts.filter((t) => bugs(t)).length).toBeGreaterThanOrEqual(5);
    expect(texts.filter((t) => !bugs(t) && /def backward|lossFun|dz = /.test(t)).length).toBeGreaterThanOrEqual(3);
    for (const k of ['scalar_rnn', 'vector_rnn', 'min_char_rnn', 'softmax_ce', 'attention']) expect(files.some((f) => f.startsWith(k)), k).toBe(true);
  });

  it.each(files)('%s: loss and gradients match torch to 1e-9', (f) => {
    const expected = JSON.parse(readFileSync(join(fixtures, f.replace(/\.py$/, '.json')), 'utf8'));
    const tr = tracePython(readFileSync(join(dir, f), 'utf8'));
    expect(tr.loss.value).toBeAllclose(expected.loss, tol);
    const names = tr.params.map((p) => p.name);
    expect(names.sort()).toEqual(Object.keys(expected.grads).sort());
    for (const p of tr.params) expect(p.grad, p.name).toBeAllclose(expected.grads[p.name], tol);
  });
});

describe('Check Backward Pass on the corpus', () => {
  const checked = files.filter((f) => !f.startsWith('attention'));
  it.each(checked)('%s: every labeled bug at its parameter and line, every other gradient correct', (f) => {
    const text = readFileSync(join(dir, f), 'utf8');
    const r = checkBackward(text);
    const bug = bugs(text);
    const wrong = r.params.filter((p) => p.verdict === 'incorrect');
    expect(wrong.map((p) => p.name).sort()).toEqual((bug?.params ?? []).sort());
    for (const p of wrong) expect(p.line, p.name).toBe(bug!.line);
    for (const p of r.params) expect(p.relError < 1e-6).toBe(p.verdict === 'correct');
    expect(r.params.length).toBeGreaterThanOrEqual(3);
  });

  it('says where dL/dh_t first goes wrong: one step before the end when dhnext is forgotten', () => {
    // T = 6: at t = 5 dhnext is still 0, so the forgotten "+ dhnext" first shows at t = 4
    const r = checkBackward(readFileSync(join(dir, 'min_char_rnn_no_dhnext.py'), 'utf8'));
    expect(r.hidden).toMatchObject({ name: 'hs', gradient: 'dh', firstBadStep: 4 });
    expect(r.params.find((p) => p.name === 'Wxh')!.firstBadStep).toBe(4);
    const ok = checkBackward(readFileSync(join(dir, 'min_char_rnn.py'), 'utf8'));
    expect(ok.hidden?.firstBadStep).toBeUndefined();
  });

  it('reports the worst entry of a wrong gradient with both values', () => {
    const r = checkBackward(readFileSync(join(dir, 'scalar_rnn_off_by_one.py'), 'utf8'));
    const w = r.params.find((p) => p.name === 'w_h')!;
    expect(w.worst!.index).toEqual([]);
    expect(w.worst!.hand).toBe(w.hand);
    expect(w.worst!.auto).toBe(w.auto);
    // the relative error of that single entry, by the formula of the check
    expect(w.relError).toBeCloseTo(Math.abs(w.worst!.hand - w.worst!.auto) / (Math.abs(w.worst!.hand) + Math.abs(w.worst!.auto)), 12);
  });
});
