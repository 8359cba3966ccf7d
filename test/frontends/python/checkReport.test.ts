/**
 * Check Backward Pass as the editor shows it: the outcome as plain data (it crosses the worker),
 * the fallback from a helper function to the whole file, the words of the diagnostics, summary,
 * list and errors, and the cost that decides between inline and the worker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCost, checkOutcome } from '../../../src/frontends/python/checkOutcome';
import type { CheckOutcome, CheckReport } from '../../../src/frontends/python/checkOutcome';
import { assignmentLine, failureText, pickRow, summaryText, wrongGradientMessage } from '../../../src/frontends/python/checkReport';
import { runJob } from '../../../src/workers/jobs';
import { minCharRnnSource } from '../../../bench/pythonSection';

const corpus = (f: string): string => readFileSync(join(__dirname, 'corpus', f), 'utf8');
const report = (o: CheckOutcome): CheckReport => {
  if (!o.ok) throw new Error(`expected a report, got ${o.kind}: ${o.detail}`);
  return o.report;
};

describe('checkOutcome', () => {
  it('is plain data without the tensors, the same after a structured clone (the worker boundary)', () => {
    const o = runJob({ kind: 'checkBackward', text: corpus('min_char_rnn_no_dhnext.py'), options: {} }) as CheckOutcome;
    expect(structuredClone(o)).toEqual(o);
    const r = report(o);
    expect(r.params.every((p) => !('hand' in p) && !('auto' in p))).toBe(true);
    expect(r.params.map((p) => [p.name, p.verdict, p.line])).toEqual([
      ['Wxh', 'incorrect', 38], ['Whh', 'incorrect', 38], ['Why', 'correct', undefined], ['bh', 'incorrect', 38], ['by', 'correct', undefined],
    ]);
    expect(r.unpaired).toEqual(['hprev']);
  });

  it('tells a file without hand-written gradients from code outside the subset', () => {
    const none = checkOutcome(corpus('attention.py'));
    expect(none).toMatchObject({ ok: false, kind: 'no-gradients' });
    const torch = checkOutcome(corpus('softmax_ce.py').replace(/^import numpy as np$/m, 'import numpy as np\nimport torch'));
    expect(torch).toMatchObject({ ok: false, kind: 'unsupported', detail: 'importing torch is not supported (only numpy and math)' });
    expect(!torch.ok && torch.range.line).toBe(corpus('softmax_ce.py').split('\n').findIndex((l) => l === 'import numpy as np') + 1);
  });

  it('checks the whole file when the function at the cursor computes no loss (a helper), and says so', () => {
    const text = corpus('min_char_rnn_no_dhnext.py').replace('def lossFun', 'def double(x):\n    return 2 * x\n\n\ndef lossFun');
    const r = report(checkOutcome(text, { functionName: 'double' }));
    expect(r.fellBack).toMatch(/^no hand-written gradient found for x/); // double(x) on a random x
    expect(r.params.filter((p) => p.verdict === 'incorrect').map((p) => p.line)).toEqual([42, 42, 42]);
    expect(summaryText(r, 'function double')).toBe('Check Backward Pass (the whole file): 2 of 5 gradients correct. (Nothing to check in function double alone.) No hand-written gradient for hprev.');
  });

  it('keeps the error of a failing selection (no fallback without a function)', () => {
    expect(checkOutcome(corpus('min_char_rnn_no_dhnext.py'), { lines: { from: 33, to: 43 } })).toMatchObject({ ok: false, kind: 'runtime' });
  });
});

describe('the words', () => {
  const r = report(checkOutcome(corpus('min_char_rnn_no_dhnext.py')));
  const wxh = r.params.find((p) => p.name === 'Wxh')!;

  it('a wrong gradient: the parameter, the worst entry with both values, the first bad time step', () => {
    expect(wrongGradientMessage(wxh, r.hidden)).toBe(
      'dWxh is not dL/dWxh: its worst entry, [2, 0], is -0.133716 where autodiff gives 0.215092 (relative error 1.00). '
      + 'The hand-written dL/dhs_t (dh) first disagrees at t = 4.');
    const scalar = report(checkOutcome(corpus('scalar_rnn_off_by_one.py'))).params.find((p) => p.verdict === 'incorrect')!;
    expect(wrongGradientMessage(scalar)).toMatch(/^dw_h is not dL\/dw_h: it is -0\.40642 where autodiff gives -0\.265855 \(relative error 0\.209\)\.$/);
  });

  it('the summary counts the correct gradients and names the ones not written and the values guessed', () => {
    expect(summaryText(r, 'the whole file')).toBe('Check Backward Pass (the whole file): 2 of 5 gradients correct. No hand-written gradient for hprev.');
    const right = report(checkOutcome(corpus('min_char_rnn.py')));
    expect(summaryText(right, 'function lossFun')).toMatch(/^Check Backward Pass \(function lossFun\): all 5 gradients correct \(relative error < 1e-6\)\./);
    const guessed = report(checkOutcome('import numpy as np\nloss = w * w\ndw = 2 * w\n'));
    expect(summaryText(guessed, 'the whole file')).toBe('Check Backward Pass (the whole file): all 1 gradient correct (relative error < 1e-6). Given random values: w (add # gradient-lens: name = ... to choose them).');
  });

  it('a row of the list', () => {
    expect(pickRow(wxh, r.hidden)).toEqual({ label: '$(warning) dWxh ≠ dL/dWxh', description: 'relative error 1.0e+0', detail: wrongGradientMessage(wxh, r.hidden) });
    const why = r.params.find((p) => p.name === 'Why')!;
    expect(pickRow(why)).toMatchObject({ label: '$(pass) dWhy = dL/dWhy', detail: 'matches autodiff' });
  });

  it('the line a correct gradient is computed on: its last assignment', () => {
    const text = corpus('min_char_rnn_no_dhnext.py');
    expect(assignmentLine(text, 'dWhy')).toBe(35); // dWhy += np.dot(dy, hs[t].T)
    expect(assignmentLine(text, 'dby')).toBe(36);
    expect(assignmentLine("grads = {}\ngrads['W_h'] = 2 * W_h\nx = grads['W_h']\n", "grads['W_h']")).toBe(1);
    expect(assignmentLine('dW == 0\n', 'dW')).toBeUndefined();
  });

  it('errors say what went wrong and where', () => {
    const o = checkOutcome('import numpy as np\nimport torch\n');
    expect(!o.ok && failureText(o, 'cell 2, line 1')).toBe('Check Backward Pass: the code is outside the supported subset (cell 2, line 1): importing torch is not supported (only numpy and math)');
    const none = checkOutcome(corpus('attention.py'));
    expect(!none.ok && failureText(none, 'line 1')).toMatch(/^Check Backward Pass: no hand-written gradient found for X, W_q, W_k, W_v, w_o \(name it like dW for W/);
  });
});

describe('checkCost', () => {
  it('runs the corpus inline and a min-char-rnn of 25 steps and hidden size 100 in the worker', () => {
    for (const f of ['min_char_rnn.py', 'vector_rnn.py', 'scalar_rnn.py', 'softmax_ce.py']) expect(checkCost(corpus(f)), f).toBeLessThan(25);
    expect(checkCost(minCharRnnSource(25, 100, 65))).toBeGreaterThan(100);
    expect(checkCost('while True:\n    x = 1\n')).toBeGreaterThan(25);
  });
});
