/**
 * `gradient-lens trace` and `check-backward` in-process: the printed loss and gradients are the
 * library's numbers, exit codes 0 (all correct), 1 (a wrong gradient), 2 (unsupported or unreadable).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/runCli';
import { tracePython } from '../../src/frontends/python/trace';

const corpus = (f: string): string => join(__dirname, '../frontends/python/corpus', f);

describe('gradient-lens trace', () => {
  it('prints the loss, every gradient and the BPTT table of min-char-rnn', () => {
    const r = runCli(['trace', corpus('min_char_rnn.py')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/loss loss = 9\.371/);
    for (const p of ['Wxh', 'Whh', 'Why', 'bh', 'by', 'hprev']) expect(r.stdout).toContain(`dL/d${p}`);
    expect(r.stdout).toMatch(/BPTT through the hidden state hs:\nt\s+‖h_t‖\s+‖dL\/dh_t‖/);
  });

  it('--json gives the same numbers as the library, and --lines traces a selection', () => {
    const text = readFileSync(corpus('min_char_rnn.py'), 'utf8');
    const lib = tracePython(text);
    const j = JSON.parse(runCli(['trace', corpus('min_char_rnn.py'), '--json']).stdout);
    expect(j.loss).toBe(lib.loss.value);
    expect(j.grads.Wxh).toEqual(lib.params.find((p) => p.name === 'Wxh')!.grad);
    expect(j.bptt.steps.map((s: { t: number }) => s.t)).toEqual([0, 1, 2, 3, 4, 5]);
    // the body of lossFun (lines 18-28): the same loss, with its free variables taken from the file
    const sel = JSON.parse(runCli(['trace', corpus('min_char_rnn.py'), '--lines', '18-28', '--json']).stdout);
    expect(sel.loss).toBeAllclose(lib.loss.value, { rtol: 1e-14 });
    expect(sel.assumed.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['hprev', 'Wxh', 'Whh', 'Why', 'bh', 'by']));
  });

  it('exits 2 with the file and line on unsupported code, and on a file it cannot read', () => {
    const r = runCli(['trace', join(__dirname, 'missing.py')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gradient-lens trace: cannot read .*missing\.py \(ENOENT\)/);
    expect(runCli(['trace', corpus('min_char_rnn.py'), '--lines', '30-20']).stderr).toMatch(/--lines: expected A-B/);
  });
});

describe('gradient-lens check-backward', () => {
  it('exits 0 when every hand-written gradient is right', () => {
    const r = runCli(['check-backward', corpus('min_char_rnn.py')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('All 5 gradients match');
  });

  it('exits 1 with the parameter and line of a bug, in the documented JSON', () => {
    const r = runCli(['check-backward', corpus('min_char_rnn_no_tanh_grad.py'), '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    const bad = j.params.filter((p: { verdict: string }) => p.verdict === 'incorrect');
    expect(bad.map((p: { name: string }) => p.name)).toEqual(['Wxh', 'Whh', 'bh']);
    expect(bad.every((p: { line: number }) => p.line === 39)).toBe(true);
    expect(j.params.find((p: { name: string }) => p.name === 'Why')).toMatchObject({ gradient_variable: 'dWhy', verdict: 'correct' });
    expect(Object.keys(j.params[0]).slice(0, 4)).toEqual(['name', 'gradient_variable', 'verdict', 'rel_error']);
  });

  it('--function checks the locals of one function (loss and gradients it computes)', () => {
    const r = runCli(['check-backward', corpus('min_char_rnn_off_by_one.py'), '--function', 'lossFun', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).params.filter((p: { verdict: string }) => p.verdict === 'incorrect')).toEqual([
      expect.objectContaining({ name: 'Whh', gradient_variable: 'dWhh', line: 42 }),
    ]);
  });

  it('--function backward checks a backward function that returns gradients, against the loss the file computes', () => {
    // vector_rnn_no_tanh_grad.py: loss = forward(...) and grads = backward(...) at the top; backward
    // forgets tanh' = 1 - h^2 on line 33, which every gradient but dL/dW_o flows through
    const r = runCli(['check-backward', corpus('vector_rnn_no_tanh_grad.py'), '--function', 'backward', '--json']);
    expect(r.code).toBe(1);
    const params = JSON.parse(r.stdout).params as { name: string; verdict: string; line?: number }[];
    expect(params.map((p) => [p.name, p.verdict, p.line])).toEqual([
      ['W_o', 'correct', undefined], ['W_h', 'incorrect', 33], ['W_i', 'incorrect', 33], ['h0', 'incorrect', 33],
    ]);
    expect(runCli(['check-backward', corpus('vector_rnn.py'), '--function', 'backward']).code).toBe(0);
  });

  it('exits 2 when there is nothing to check or the code is outside the subset', () => {
    const r = runCli(['check-backward', corpus('attention.py')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no hand-written gradient found for X, W_q, W_k, W_v, w_o/);
  });
});
