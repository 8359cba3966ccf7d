/**
 * A notebook as one Python file: its code cells joined with newlines, and the way back from a line
 * of that file to (cell, line), so Check Backward Pass can run on the whole text and still put each
 * diagnostic in the cell that holds the line.
 */
import type { SourceRange } from '../../engine/tape';

export interface CellText {
  text: string;
  /** the joined text's line where each cell starts */
  starts: number[];
}

/** IPython magics and shell escapes (`%matplotlib inline`, `!pip ...`) are not Python: blanked, lines kept. */
const MAGIC = /^[ \t]*[%!].*$/gm;

export function joinCells(sources: readonly string[]): CellText {
  const starts: number[] = [];
  let line = 0;
  for (const s of sources) {
    starts.push(line);
    line += s.split('\n').length;
  }
  return { text: sources.map((s) => s.replace(MAGIC, '')).join('\n'), starts };
}

/** The cell that holds a 0-based line of the joined text, and the line within it. */
export function cellOf(starts: readonly number[], line: number): { cell: number; line: number } {
  let cell = 0;
  while (cell + 1 < starts.length && starts[cell + 1] <= line) cell++;
  return { cell, line: line - starts[cell] };
}

/** A range of the joined text in its first line's cell (clipped to that cell when it runs past it). */
export function rangeInCell(starts: readonly number[], r: SourceRange): { cell: number; range: SourceRange } {
  const { cell, line } = cellOf(starts, r.line);
  const next = starts[cell + 1];
  const clipped = next !== undefined && r.endLine >= next;
  const endLine = clipped ? next - 1 - starts[cell] : r.endLine - starts[cell];
  return { cell, range: { line, col: r.col, endLine, endCol: clipped ? Number.MAX_SAFE_INTEGER : r.endCol } };
}
