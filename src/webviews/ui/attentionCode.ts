/**
 * The attention panel's code mode: for every row softmax the selected code computed, S and
 * A = softmax(S) as heatmaps with row and column indices (and dL/dS, dL/dA when the code has a
 * loss), values on hover and as tables. The clicked row is UI state the caller persists.
 */
import type { CodeAttention, FoundSoftmax } from '../../frontends/python/codeAttention';
import type { Matrix } from '../../frontends/sentenceAttention';
import type { CodeAttentionPanelOptions } from '../attentionProtocol';
import { el, fmt } from './dom';
import { drawHeatmap } from './heatmap';

/** The selected row: of softmax `softmax` (0-based), row `row`. */
export type CodeRow = { softmax: number; row: number } | null;

const indices = (n: number) => Array.from({ length: n }, (_v, i) => String(i));

/** A line of the document (in a notebook, of the cell: the text starts with the earlier cells). */
const lineText = (line: number, offset: number) => (line > offset ? `line ${line - offset}` : `line ${line} of the earlier cells`);

export function softmaxTitle(s: FoundSoftmax, offset = 0): string {
  return `${s.aName ? `${s.aName} = ` : ''}softmax(${s.sName}) at ${lineText(s.line, offset)}${s.t !== undefined ? ` (t = ${s.t})` : ''}${s.call ? `, call ${s.call.k} of ${s.call.of}` : ''}`;
}

function matrixTable(M: Matrix, caption: string): HTMLElement {
  if (M.rows > 64 || M.cols > 64) return el('p', { class: 'hint', text: `${caption}: ${M.rows} × ${M.cols} is too large for a table; hover the heatmap for values.` });
  const body = el('tbody');
  for (let i = 0; i < M.rows; i++) body.append(el('tr', {}, el('th', { scope: 'row', text: String(i) }), ...Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols), (v) => el('td', { text: fmt(v) }))));
  return el('table', { class: 'data matrix', 'aria-label': caption }, el('thead', {}, el('tr', {}, el('th'), ...indices(M.cols).map((j) => el('th', { scope: 'col', text: j })))), body);
}

function block(id: string, symbol: string, caption: string, M: Matrix, scale: 'sequential' | 'diverging', row: number | null, size: number, setRow: (i: number) => void): HTMLElement {
  const canvas = el('canvas', { id, role: 'img', tabindex: 0, 'aria-label': `${caption} heatmap, ${M.rows} by ${M.cols}; the same numbers are in the table below` });
  const tip = el('p', { id: `${id}-tip`, class: 'tip', 'aria-live': 'polite', text: 'Hover a cell for its value; click a row to select it.' });
  const cellAt = drawHeatmap(canvas, M, { labels: indices(M.rows), colLabels: indices(M.cols), scale, row, size });
  const locate = (e: MouseEvent) => { const r = canvas.getBoundingClientRect(); return cellAt(e.clientX - r.left, e.clientY - r.top); };
  canvas.onmousemove = (e) => {
    const c = locate(e);
    if (!c) return;
    tip.textContent = `${symbol}[${c.i}, ${c.j}] = ${fmt(c.value)} (row ${c.i}, column ${c.j})`;
    tip.dataset.value = String(c.value);
  };
  canvas.onclick = (e) => { const c = locate(e); if (c) setRow(c.i); };
  canvas.onkeydown = (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    setRow(e.key === 'ArrowDown' ? Math.min(M.rows - 1, (row ?? -1) + 1) : Math.max(0, (row ?? 1) - 1));
  };
  const details = el('details', {}, el('summary', { text: `${caption} as a table` }));
  details.addEventListener('toggle', () => { if (details.open && details.children.length === 1) details.append(matrixTable(M, caption)); });
  return el('figure', { class: 'heatmap' }, el('figcaption', { text: caption }), canvas, tip, details);
}

function rowSums(A: Matrix): number {
  let worst = 0;
  for (let i = 0; i < A.rows; i++) {
    let sum = 0;
    for (let j = 0; j < A.cols; j++) sum += A.data[i * A.cols + j];
    worst = Math.max(worst, Math.abs(sum - 1));
  }
  return worst;
}

function softmaxSection(r: CodeAttention, s: FoundSoftmax, k: number, offset: number, selected: CodeRow, setRow: (softmax: number, row: number) => void): HTMLElement {
  const row = selected?.softmax === k && selected.row < s.A.rows ? selected.row : null;
  // two heatmaps a row when they fit at 160 px, else one as wide as the panel allows
  const pair = Math.floor((window.innerWidth - 2 * 78 - 80) / 2), size = pair >= 160 ? Math.min(300, pair) : Math.min(240, Math.max(120, window.innerWidth - 78 - 60));
  const pick = (i: number) => setRow(k, i);
  const L = r.loss?.name ?? 'L', id = `sm${k + 1}`;
  const worst = rowSums(s.A);
  const where = s.computedAt !== s.line ? ` The softmax itself is computed at ${lineText(s.computedAt, offset)}.` : '';
  const how = s.how === 'by hand' ? 'written by hand as exp(S) / Σ_j exp(S) over the last axis' : 'the engine\'s softmax op';
  const grads = s.dS && s.dA
    ? [block(`${id}-dS`, `d${L}/dS`, `d${L}/dS`, s.dS, 'diverging', row, size, pick), block(`${id}-dA`, `d${L}/dA`, `d${L}/dA`, s.dA, 'diverging', row, size, pick)]
    : [el('p', { class: 'hint', id: `${id}-nograd`, text: r.noGradient ? `No gradients: ${r.noGradient}.` : `A does not reach the loss ${L}: its gradients are 0.` })];
  let rowNote: HTMLElement | null = null;
  if (row !== null) {
    const p = s.A.data.subarray(row * s.A.cols, (row + 1) * s.A.cols);
    const top = p.indexOf(Math.max(...p));
    rowNote = el('p', { id: `${id}-row`, class: 'tip', text: `Row ${row} of A: ${Array.from(p, fmt).join(', ')} (sum ${fmt(p.reduce((a, b) => a + b, 0))}); the largest weight is on column ${top}.` });
  }
  return el('section', { class: 'softmax', id, 'aria-label': softmaxTitle(s, offset) },
    el('h3', { id: `${id}-title`, text: softmaxTitle(s, offset) }),
    el('p', { class: 'hint', text: `S is ${s.S.rows} × ${s.S.cols}, ${how}.${where} ${worst < 1e-9 ? `Every row of A sums to 1 (largest deviation ${worst.toExponential(1)}).` : `A row of A sums to 1 only within ${worst.toExponential(1)}.`}` }),
    el('div', { class: 'heatmaps' },
      block(`${id}-S`, 'S', s.sName === 'S' ? 'S' : `S = ${s.sName}`, s.S, 'diverging', row, size, pick),
      block(`${id}-A`, 'A', `A = softmax(S)${s.aName && s.aName !== 'A' ? `: ${s.aName}` : ''}`, s.A, 'sequential', row, size, pick),
      ...grads),
    rowNote);
}

/** Replaces `root`'s content with the code's softmaxes. */
export function drawCodeAttention(root: HTMLElement, o: CodeAttentionPanelOptions, r: CodeAttention, selected: CodeRow, setRow: (softmax: number, row: number) => void): void {
  const n = r.softmaxes.length + r.more, offset = o.lineOffset ?? 0;
  const notes = [
    r.more ? `Showing the first ${r.softmaxes.length} of ${n}.` : '',
    r.skipped.length ? `Not shown: ${r.skipped.join('; ')}.` : '',
    r.assumed.length ? `The code does not give ${r.assumed.join(', ')}: seeded random numbers were used.` : '',
  ].filter(Boolean);
  root.replaceChildren(
    el('p', { id: 'summary', class: 'verdict healthy', text: `${n} row softmax${n === 1 ? '' : 'es'} in ${o.title}${r.loss ? `; loss${r.loss.name === 'loss' ? '' : ` ${r.loss.name}`} = ${fmt(r.loss.value)}` : ''}.` }),
    notes.length ? el('p', { id: 'notes', class: 'hint', text: notes.join(' ') }) : '',
    ...r.softmaxes.map((s, k) => softmaxSection(r, s, k, offset, selected, setRow)),
  );
}
