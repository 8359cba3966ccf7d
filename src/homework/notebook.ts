/**
 * The cells of a Jupyter notebook (.ipynb JSON): Markdown cells are read as Markdown, code cells
 * as Python (only their comments hold claims). Positions stay relative to each cell's source.
 */
import { InputError } from '../frontends/sentence';

export interface NotebookCell {
  index: number;
  kind: 'md' | 'py';
  source: string;
}

export function notebookCells(json: string): NotebookCell[] {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (e) {
    throw new InputError(`not a valid notebook: ${(e as Error).message}`);
  }
  const cells = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) throw new InputError('not a valid notebook: it has no "cells" list');
  const out: NotebookCell[] = [];
  cells.forEach((c: { cell_type?: unknown; source?: unknown }, index) => {
    const src = Array.isArray(c.source) ? c.source.join('') : typeof c.source === 'string' ? c.source : '';
    if (c.cell_type === 'markdown') out.push({ index, kind: 'md', source: src });
    else if (c.cell_type === 'code') out.push({ index, kind: 'py', source: src });
  });
  return out;
}
