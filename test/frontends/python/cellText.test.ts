/**
 * A notebook as one file for Check Backward Pass: cells joined in order, magics blanked without
 * moving a line, and every line and range of the joined text back in its own cell.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellOf, joinCells, rangeInCell } from '../../../src/frontends/python/cellText';
import { checkOutcome } from '../../../src/frontends/python/checkOutcome';
import { checkScope } from '../../../src/frontends/python/checkScope';

describe('joinCells', () => {
  it('joins cells with newlines and records where each starts', () => {
    const { text, starts } = joinCells(['import numpy as np', 'x = 1\ny = 2\n', 'z = x']);
    expect(text).toBe('import numpy as np\nx = 1\ny = 2\n\nz = x');
    expect(starts).toEqual([0, 1, 4]);
  });

  it('blanks IPython magics and shell escapes, keeping the line count', () => {
    const { text, starts } = joinCells(['%matplotlib inline\nimport numpy as np', '!pip install numpy', 'x = 1']);
    expect(text.split('\n')).toEqual(['', 'import numpy as np', '', 'x = 1']);
    expect(starts).toEqual([0, 2, 3]);
  });
});

describe('cellOf and rangeInCell', () => {
  const starts = [0, 1, 4];
  it('maps a line of the joined text to its cell and line', () => {
    expect(cellOf(starts, 0)).toEqual({ cell: 0, line: 0 });
    expect(cellOf(starts, 1)).toEqual({ cell: 1, line: 0 });
    expect(cellOf(starts, 3)).toEqual({ cell: 1, line: 2 });
    expect(cellOf(starts, 4)).toEqual({ cell: 2, line: 0 });
    expect(cellOf(starts, 9)).toEqual({ cell: 2, line: 5 });
  });

  it('maps a range, clipping one that runs into the next cell', () => {
    expect(rangeInCell(starts, { line: 2, col: 4, endLine: 2, endCol: 9 })).toEqual({ cell: 1, range: { line: 1, col: 4, endLine: 1, endCol: 9 } });
    expect(rangeInCell(starts, { line: 2, col: 0, endLine: 5, endCol: 3 })).toEqual({ cell: 1, range: { line: 1, col: 0, endLine: 2, endCol: Number.MAX_SAFE_INTEGER } });
  });
});

describe('a notebook checked as one file', () => {
  it('finds the forgotten dhnext in the cell and line that hold it, with the function in an earlier cell', () => {
    const file = readFileSync(join(__dirname, 'corpus', 'min_char_rnn_no_dhnext.py'), 'utf8').split('\n');
    // cell 1: imports and data (lines 1-15), cell 2: lossFun (16-47), cell 3: the call (48-50), as a student splits it
    const cells = [file.slice(0, 15).join('\n'), file.slice(15, 47).join('\n'), ['%time', ...file.slice(47)].join('\n')];
    const { text, starts } = joinCells(cells);
    const o = checkOutcome(text);
    expect(o.ok).toBe(true);
    if (!o.ok) return;
    const wrong = o.report.params.filter((p) => p.verdict === 'incorrect');
    expect(wrong.map((p) => p.name).sort()).toEqual(['Whh', 'Wxh', 'bh']);
    for (const p of wrong) {
      const { cell, range } = rangeInCell(starts, p.range!);
      expect(cell).toBe(1);
      expect(cells[cell].split('\n')[range.line]).toContain('dh = np.dot(Why.T, dy)  # BUG');
    }

    // a selection in the last cell, the call and the print (the function is in the cell before), in the joined text's lines
    const callLine = cells[2].split('\n').findIndex((l) => l.startsWith('loss, dWxh'));
    const selected = checkScope(text, { start: { line: starts[2] + callLine, character: 0 }, end: { line: starts[2] + callLine + 1, character: 5 } });
    expect(selected.lines).toEqual({ from: starts[2] + callLine + 1, to: starts[2] + callLine + 2 });
    const bySelection = checkOutcome(text, { lines: selected.lines });
    expect(bySelection.ok && bySelection.report.params.filter((p) => p.verdict === 'incorrect').map((p) => rangeInCell(starts, p.range!).cell)).toEqual([1, 1, 1]);

    // the cursor inside lossFun (second cell) checks that function
    const inside = checkScope(text, { start: { line: starts[1] + 10, character: 4 }, end: { line: starts[1] + 10, character: 4 } });
    expect(inside.functionName).toBe('lossFun');
    const byFunction = checkOutcome(text, { functionName: 'lossFun' });
    expect(byFunction.ok && byFunction.report.params.filter((p) => p.verdict === 'incorrect').length).toBe(3);
  });
});
