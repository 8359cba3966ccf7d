/**
 * The code stepper's trace of examples/rnn.py: steps from the loss back to the parameters, each a
 * statement of the selection with the engine's gradient, and values typed in the panel winning over
 * the lines before the selection.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeTrace } from '../../../src/frontends/python/codeTrace';

const RNN = readFileSync(join(__dirname, '../../../examples/rnn.py'), 'utf8');
const lines = { from: 12, to: 17 };

describe('codeTrace', () => {
  it('steps from the loss (dL/dloss = 1, line 17) back through z, p and every h_t to the parameters', () => {
    const t = codeTrace({ text: RNN, lines });
    expect(t.steps[0]).toMatchObject({ name: 'loss', range: { line: 16 } });
    expect(t.steps[0].grad.scalar).toBe(1);
    expect(t.steps.slice(1, 3).map((s) => s.name)).toEqual(['p', 'z']);
    // h at t = 3, 2, 1, 0 (the loop over 4 inputs), each on line 14
    const hs = t.steps.filter((s) => s.name === 'h' && s.t !== undefined);
    expect(hs.map((s) => s.t)).toEqual([3, 2, 1, 0]);
    expect(hs.every((s) => s.range.line === 13)).toBe(true);
    // z = w_o h_3, so dL/dh_3 = dL/dz * w_o
    const z = t.steps.find((s) => s.name === 'z')!;
    expect(hs[0].grad.scalar).toBeCloseTo(z.grad.scalar! * 1.2, 14);
    // the values before the selection were assumed from their lines and can be edited in the panel
    expect(t.assumed.map((a) => [a.name, a.origin, a.line, a.edit !== undefined])).toEqual(
      expect.arrayContaining([['w_h', 'assignment', 5, true], ['h0', 'assignment', 8, true]]));
  });

  it('uses a value typed in the panel instead of the line before the selection', () => {
    // with w_h = 0, h_1 no longer depends on h0: dL/dh0 = 0 exactly
    const t = codeTrace({ text: RNN, lines, values: { w_h: 0 } });
    expect(t.assumed.find((a) => a.name === 'w_h')).toMatchObject({ origin: 'typed', value: { scalar: 0 } });
    expect(t.params.find((p) => p.name === 'h0')!.grad.scalar).toBe(0);
    expect(t.params.find((p) => p.name === 'w_h')!.value.scalar).toBe(0);
  });

  it('refuses a selection that reads a value a loop above it would change, instead of a stale number', () => {
    // lines 15-17 read h, which the loop on lines 13-14 computes: h = 0.3 from line 12 would be wrong
    expect(() => codeTrace({ text: RNN, lines: { from: 15, to: 17 } })).toThrow(
      'line 15: h is set inside the block on line 13, above the selection, which the selection does not run: select from line 13 so h is computed');
    // a value typed in the panel is the student's choice, and is used
    expect(codeTrace({ text: RNN, lines: { from: 15, to: 17 }, values: { h: 0.45875 } }).loss.value).toBeCloseTo(0.4553095782585015, 12);
  });
});
