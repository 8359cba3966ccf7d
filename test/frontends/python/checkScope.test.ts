/** What Check Backward Pass checks from the editor's selection: lines, the function at the cursor, or the file. */
import { describe, expect, it } from 'vitest';
import { checkScope } from '../../../src/frontends/python/checkScope';

const FILE = [
  'import numpy as np', //              0
  'def sigmoid(z):', //                 1
  '    return 1 / (1 + np.exp(-z))', // 2
  '', //                                3
  '@staticmethod', //                   4
  'def lossFun(x, w):', //              5
  '    loss = sigmoid(w * x)', //       6
  '    # the backward pass', //         7
  '    dw = loss * (1 - loss) * x', //  8
  '    return loss, dw', //             9
  '', //                               10
  'loss, dw = lossFun(0.5, 2.0)', //   11
].join('\n');
const at = (line: number, character = 0) => ({ start: { line, character }, end: { line, character } });
const sel = (a: number, b: number, endChar = 3) => ({ start: { line: a, character: 0 }, end: { line: b, character: endChar } });

describe('checkScope', () => {
  it('checks the function the cursor is in (decorated or not)', () => {
    expect(checkScope(FILE, at(2, 8))).toEqual({ functionName: 'sigmoid', label: 'function sigmoid' });
    expect(checkScope(FILE, at(8, 10))).toEqual({ functionName: 'lossFun', label: 'function lossFun' });
    expect(checkScope(FILE, at(5))).toEqual({ functionName: 'lossFun', label: 'function lossFun' });
    expect(checkScope(FILE, at(4))).toEqual({ functionName: 'lossFun', label: 'function lossFun' });
  });

  it('checks the whole file when the cursor is outside every def', () => {
    expect(checkScope(FILE, at(11, 4))).toEqual({ label: 'the whole file' });
    expect(checkScope(FILE, at(0))).toEqual({ label: 'the whole file' });
    expect(checkScope(FILE, at(10))).toEqual({ label: 'the whole file' });
  });

  it('takes a selection within one line (a word, a range from the Problems view) as the cursor', () => {
    expect(checkScope(FILE, { start: { line: 8, character: 4 }, end: { line: 8, character: 30 } })).toEqual({ functionName: 'lossFun', label: 'function lossFun' });
    expect(checkScope(FILE, sel(11, 11))).toEqual({ label: 'the whole file' });
  });

  it('checks the selected lines (1-based), not the line a selection ends at the start of', () => {
    expect(checkScope(FILE, sel(11, 12, 0))).toEqual({ lines: { from: 12, to: 12 }, label: 'line 12' });
    expect(checkScope(FILE, sel(6, 8))).toEqual({ lines: { from: 7, to: 9 }, label: 'lines 7-9' });
    expect(checkScope(FILE, sel(6, 9, 0))).toEqual({ lines: { from: 7, to: 9 }, label: 'lines 7-9' });
    expect(checkScope(FILE, sel(0, 11, 28))).toEqual({ lines: { from: 1, to: 12 }, label: 'lines 1-12' });
  });

  it('checks a function when the selection is exactly one def (blank lines and comments around it allowed)', () => {
    expect(checkScope(FILE, sel(4, 10, 0))).toEqual({ functionName: 'lossFun', label: 'function lossFun' });
    expect(checkScope(FILE, sel(3, 9, 19))).toEqual({ functionName: 'lossFun', label: 'function lossFun' });
    expect(checkScope(FILE, sel(1, 9, 19)).lines).toEqual({ from: 2, to: 10 });
  });
});
