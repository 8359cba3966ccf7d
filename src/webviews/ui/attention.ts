/**
 * The attention panel in the browser: the similarity and attention heatmaps of the chosen layer
 * (values on hover and as tables), a clicked row's weights as a bar chart with the weighted sum
 * written out, the controls, the editable word vectors, and the long-range gradient comparison.
 * Layer and row are UI state, persisted with setState; new options go to the host. Selected code
 * is drawn by attentionCode.ts.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { BarController, BarElement, CategoryScale, Chart, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import type { CodeAttention } from '../../frontends/python/codeAttention';
import type { AttentionOptions, AttentionTrace, Matrix } from '../../frontends/sentenceAttention';
import type { AttentionViewState, CodeAttentionPanelOptions, FromAttentionView, ToAttentionView } from '../attentionProtocol';
import { assertNever } from '../panelProtocol';
import type { CodeRow } from './attentionCode';
import { drawCodeAttention } from './attentionCode';
import { cssVar, el, fmt, select } from './dom';
import { drawHeatmap } from './heatmap';
import { tex, texNum } from './math';
import { host, onHostMessage } from './vscodeApi';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip);

const vscode = host<FromAttentionView, AttentionViewState>();
const app = document.getElementById('app')!;
let current: { options: AttentionOptions; trace: AttentionTrace } | undefined;
let layer = vscode.getState()?.layer ?? 1;
let row: number | null = vscode.getState()?.row ?? null;
/** code mode: what is shown, and the selected row (in the state as layer = softmax + 1, row) */
let code: { options: CodeAttentionPanelOptions; code: CodeAttention } | undefined;
let codeRow: CodeRow = row !== null ? { softmax: layer - 1, row } : null;
/** the long-range chart lives as long as the trace; the row's bar chart as long as the layer view */
const charts: Chart[] = [];
let rowChart: Chart | undefined;
const canvases = new Map<string, HTMLCanvasElement>();

const rowOf = (M: Matrix, i: number) => M.data.slice(i * M.cols, (i + 1) * M.cols);
const save = () => current && vscode.setState({ options: current.options, layer, row });

function send(o: AttentionOptions): void {
  vscode.setState({ options: o, layer, row });
  vscode.post({ type: 'setOptions', options: o });
}

function controls(o: AttentionOptions, n: number): HTMLElement {
  return el('form', { id: 'controls', class: 'controls', 'aria-label': 'Attention settings' },
    el('label', { class: 'control sentence' }, el('span', { text: 'Sentence' }), el('vscode-textfield' as 'input', { id: 'sentence', value: o.sentence, 'aria-label': 'Sentence' })),
    select('variant', 'Variant', o.variant, [['free', 'parameter-free: S = X Xᵀ'], ['scaled', 'scaled: X Xᵀ / √d'], ['qkv', 'learned: (X W_q)(X W_k)ᵀ / √d']]),
    select('layers', 'Layers K', String(o.layers), [1, 2, 3, 4, 5, 6].map((k) => [String(k), String(k)])),
    select('d', 'Vector size d', String(o.d), [1, 2, 4, 8, 16, 32, 64].map((k) => [String(k), String(k)])),
    el('label', { class: 'control' }, el('span', { text: `Temperature τ` }),
      el('input', { id: 'temperature', type: 'range', min: -1, max: 1, step: 0.05, value: Math.log10(o.temperature), 'aria-label': 'Softmax temperature (log scale, 0.1 to 10)' }),
      el('output', { id: 'temperature-value', text: fmt(o.temperature) })),
    el('vscode-checkbox' as 'input', { id: 'causal', checked: o.causal, label: 'causal mask' }),
    select('label', 'Label', o.label, [['happy', 'happy'], ['sad', 'sad']]),
    el('label', { class: 'control' }, el('span', { text: 'Words' }), el('vscode-textfield' as 'input', { id: 'length', type: 'number', min: 1, max: 1024, value: n, 'aria-label': 'Number of words (the sentence repeated)' })),
    el('label', { class: 'control' }, el('span', { text: 'Seed' }), el('vscode-textfield' as 'input', { id: 'seed', type: 'number', value: o.seed ?? 361, 'aria-label': 'Seed of the word vectors and weights' })),
  );
}

function readControls(): AttentionOptions {
  const o = current!.options;
  const value = (id: string) => (document.getElementById(id) as HTMLInputElement | null)?.value;
  const num = (id: string, fallback: number) => { const x = Number(value(id)); return Number.isFinite(x) ? x : fallback; };
  const length = Math.round(num('length', 0));
  const seed = Math.round(num('seed', o.seed ?? 361));
  const next: AttentionOptions = {
    ...o,
    sentence: value('sentence') ?? o.sentence,
    variant: (value('variant') as AttentionOptions['variant']) ?? o.variant,
    layers: Math.round(num('layers', o.layers)),
    d: Math.round(num('d', o.d)),
    temperature: Number(Math.pow(10, num('temperature', 0)).toPrecision(3)),
    causal: (document.getElementById('causal') as HTMLInputElement).checked,
    label: value('label') === 'sad' ? 'sad' : 'happy',
    length: length >= 1 && length !== current!.trace.words.length ? Math.min(length, 1024) : o.length,
    ...(seed !== 361 || o.seed !== undefined ? { seed } : {}),
  };
  if (next.d !== o.d) { delete next.vectors; delete next.weights; } // edits had the old size
  return next;
}

function matrixTable(M: Matrix, labels: readonly string[], caption: string): HTMLElement {
  if (M.rows > 64) return el('p', { class: 'hint', text: `${caption}: ${M.rows} × ${M.cols} is too large for a table; hover the heatmap for values.` });
  const t = el('table', { class: 'data matrix', 'aria-label': caption },
    el('thead', {}, el('tr', {}, el('th', {}), ...labels.map((w) => el('th', { scope: 'col', text: w })))));
  const body = el('tbody');
  for (let i = 0; i < M.rows; i++) body.append(el('tr', {}, el('th', { scope: 'row', text: labels[i] }), ...Array.from(rowOf(M, i), (v) => el('td', { text: fmt(v) }))));
  t.append(body);
  return t;
}

function heatmapBlock(id: string, title: string, M: Matrix, scale: 'sequential' | 'diverging', words: string[], note: string): HTMLElement {
  const size = Math.max(160, Math.min(420, Math.floor((window.innerWidth - 2 * 78 - 60) / 2)));
  // the same canvas element is reused from draw to draw: a new one reallocates its backing store
  const canvas = (canvases.get(id) ?? el('canvas', { id, role: 'img', tabindex: 0 }));
  canvases.set(id, canvas);
  canvas.setAttribute('aria-label', `${title} heatmap, ${M.rows} by ${M.cols}; the same numbers are in the table below; click a row to inspect it`);
  const tip = el('p', { id: `${id}-tip`, class: 'tip', 'aria-live': 'polite', text: 'Hover a cell for its value; click a row to inspect it.' });
  const cellAt = drawHeatmap(canvas, M, { labels: words, scale, row, size });
  const locate = (e: MouseEvent) => { const r = canvas.getBoundingClientRect(); return cellAt(e.clientX - r.left, e.clientY - r.top); };
  // handlers are assigned, not added, so a reused canvas keeps exactly one of each
  canvas.onmousemove = (e) => {
    const c = locate(e);
    if (!c) return;
    tip.textContent = `${title}[${words[c.i]} → ${words[c.j]}] = ${fmt(c.value)} (row ${c.i + 1}, column ${c.j + 1})`;
    tip.dataset.value = String(c.value);
  };
  canvas.onclick = (e) => { const c = locate(e); if (c) setRow(c.i); };
  canvas.onkeydown = (e) => {
    const n = M.rows, r = row ?? -1;
    if (e.key === 'ArrowDown') setRow(Math.min(n - 1, r + 1));
    else if (e.key === 'ArrowUp') setRow(Math.max(0, r - 1));
    else return;
    e.preventDefault();
  };
  // the table is built when opened: at n = 64 it is 4,096 cells
  const details = el('details', {}, el('summary', { text: `${title} as a table` }));
  details.addEventListener('toggle', () => { if (details.open && details.children.length === 1) details.append(matrixTable(M, words, title)); });
  return el('figure', { class: 'heatmap' }, el('figcaption', { text: title }), canvas, tip, el('p', { class: 'hint', text: note }), details);
}

function setRow(i: number): void {
  row = i;
  save();
  // redrawing moves the canvas into a new figure, which drops its focus: give it back (keyboard use)
  const focused = document.activeElement?.id;
  drawLayer();
  if (focused) document.getElementById(focused)?.focus();
  document.getElementById('row-panel')?.scrollIntoView({ block: 'nearest' });
}

const vec = (v: ArrayLike<number>) => `\\begin{bmatrix}${Array.from(v, texNum).slice(0, 8).join(' \\\\ ')}${v.length > 8 ? ' \\\\ \\vdots' : ''}\\end{bmatrix}`;

function rowPanel(tr: AttentionTrace, l: number, i: number): HTMLElement {
  const A = tr.layers[l - 1].A, p = rowOf(A, i), words = tr.words;
  const out = rowOf(tr.layers[l - 1].out, i), before = rowOf(l === 1 ? tr.X : tr.layers[l - 2].out, i);
  const canvas = el('canvas', { id: 'row-chart', role: 'img', 'aria-label': `Attention weights of ${words[i]} over all words` });
  const formula = el('div', { id: 'row-formula', class: 'formula' });
  const sum = p.reduce((s, v) => s + v, 0);
  const panel = el('section', { id: 'row-panel', class: 'row-panel', 'aria-label': `Query word ${words[i]}` },
    el('h3', { id: 'row-title', text: `Row ${i + 1}: how "${words[i]}" attends to every word (layer ${l}); the weights sum to ${fmt(sum)}` }),
    el('div', { class: 'chart-box' }, canvas),
    el('table', { class: 'data', id: 'row-table', 'aria-label': 'The row\'s weights' },
      el('tbody', {}, ...words.map((w, j) => el('tr', {}, el('th', { scope: 'row', text: `${j + 1}. ${w}` }), el('td', { 'data-j': j, text: fmt(p[j]) }))))),
    formula);
  const color = cssVar('--vscode-charts-blue', '#3794ff'), text = cssVar('--vscode-foreground', '#ccc');
  rowChart = new Chart(canvas, {
    type: 'bar',
    data: { labels: words.map((w, j) => `${j + 1}. ${w}`), datasets: [{ data: Array.from(p), backgroundColor: color }] },
    options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } },
      scales: { x: { ticks: { color: text, autoSkip: true, maxRotation: 60 } }, y: { min: 0, max: 1, ticks: { color: text }, title: { display: true, text: 'attention weight p_ij', color: text } } } },
  });
  // a_i = sum_j p_ij v_j, the largest terms written out
  const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a]);
  const shown = order.slice(0, 6).sort((a, b) => a - b);
  const vname = tr.W ? (j: number) => `x_{${j + 1}} W_v` : (j: number) => `x_{${j + 1}}`;
  const terms = shown.map((j) => `${texNum(p[j])}\\, ${vname(j)}`).join(' + ') + (order.length > shown.length ? ' + \\dots' : '');
  tex(formula, `a_{${i + 1}} = \\sum_j p_{${i + 1}j}\\, ${tr.W ? 'x_j W_v' : 'x_j'} = ${terms} = ${vec(out)} \\quad\\text{(was } x_{${i + 1}} = ${vec(before)}\\text{)}`);
  return panel;
}

function vectorsEditor(tr: AttentionTrace, o: AttentionOptions): HTMLElement {
  const unique = [...new Map(tr.words.map((w, i) => [w.toLocaleLowerCase(), i])).entries()].slice(0, 50);
  const d = tr.X.cols, shownD = Math.min(d, 16);
  const table = el('table', { class: 'data vectors', id: 'vectors', 'aria-label': 'Word vectors (editable)' },
    el('thead', {}, el('tr', {}, el('th', { text: 'word' }), ...Array.from({ length: shownD }, (_v, c) => el('th', { text: `x[${c + 1}]` })))));
  const body = el('tbody');
  for (const [w, i] of unique) {
    const r = el('tr', {}, el('th', { scope: 'row', text: w }));
    for (let c = 0; c < shownD; c++) {
      const input = el('input', { type: 'number', step: 0.1, value: Number(tr.X.data[i * d + c].toPrecision(4)), 'aria-label': `${w}, entry ${c + 1}`, 'data-word': w, 'data-c': c });
      input.addEventListener('change', () => {
        const v = Array.from(rowOf(tr.X, i));
        v[c] = Number(input.value);
        if (!Number.isFinite(v[c])) return;
        send({ ...o, vectors: { ...(o.vectors ?? {}), [w]: v } });
      });
      r.append(el('td', {}, input));
    }
    body.append(r);
  }
  table.append(body);
  return el('details', { class: 'vectors-wrap' }, el('summary', { text: 'Word vectors (the same word always has the same vector; edit to experiment)' }),
    table, d > shownD ? el('p', { class: 'hint', text: `Showing the first ${shownD} of ${d} entries.` }) : null,
    o.vectors ? el('vscode-button' as 'button', { id: 'reset-vectors', secondary: true }, 'Back to the hashed vectors') : null);
}

/** The learned weights of the shown layer (qkv), editable entry by entry for d up to 8. */
function weightsEditor(tr: AttentionTrace, o: AttentionOptions): HTMLElement | null {
  if (!tr.W) return null;
  const d = tr.X.cols;
  const grids = (['q', 'k', 'v'] as const).map((w) => {
    const M = tr.W![w][layer - 1], key = `W_${w}[${layer}]`;
    if (d > 8) return el('p', { class: 'hint', text: `${key}: ${d} x ${d}, drawn from the seed; set d to 8 or less to edit it.` });
    const body = el('tbody');
    for (let i = 0; i < d; i++) {
      const r = el('tr');
      for (let j = 0; j < d; j++) {
        const input = el('input', { type: 'number', step: 0.1, value: Number(M.data[i * d + j].toPrecision(4)), 'aria-label': `${key} row ${i + 1}, column ${j + 1}`, 'data-key': key, 'data-k': i * d + j });
        input.addEventListener('change', () => {
          const values = Array.from(M.data);
          values[i * d + j] = Number(input.value);
          if (Number.isFinite(values[i * d + j])) send({ ...o, weights: { ...(o.weights ?? {}), [key]: values } });
        });
        r.append(el('td', {}, input));
      }
      body.append(r);
    }
    return el('figure', { class: 'weights' }, el('figcaption', { text: key }), el('table', { class: 'data vectors', 'aria-label': key }, body));
  });
  return el('details', { class: 'vectors-wrap', id: 'weights' }, el('summary', { text: `Learned weights of layer ${layer} (drawn from the seed ${o.seed ?? 361}; edit to experiment)` }),
    el('div', { class: 'heatmaps' }, ...grids),
    o.weights ? el('vscode-button' as 'button', { id: 'reset-weights', secondary: true }, 'Back to the seeded weights') : null);
}

function longRangeChart(tr: AttentionTrace): HTMLElement | null {
  const lr = tr.longRange;
  if (!lr) return null;
  const canvas = el('canvas', { id: 'long-range', role: 'img', 'aria-label': '|dL/dx_1| through attention and through the RNN as the sentence grows' });
  const drop = (ys: number[]) => ys[ys.length - 1] - ys[0];
  const text = cssVar('--vscode-foreground', '#ccc');
  charts.push(new Chart(canvas, {
    type: 'line',
    data: { labels: lr.n.map(String), datasets: [
      { label: 'attention', data: lr.attention.map((v) => (Number.isFinite(v) ? v : null)), borderColor: cssVar('--vscode-charts-blue', '#3794ff'), backgroundColor: cssVar('--vscode-charts-blue', '#3794ff') },
      { label: 'RNN', data: lr.rnn.map((v) => (Number.isFinite(v) ? v : null)), borderColor: cssVar('--vscode-charts-orange', '#d18616'), backgroundColor: cssVar('--vscode-charts-orange', '#d18616') },
    ] },
    options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: true, labels: { color: text } } },
      scales: { x: { title: { display: true, text: 'sentence length n (words)', color: text }, ticks: { color: text } },
        y: { title: { display: true, text: '|dL/dx_1| (log scale)', color: text }, ticks: { color: text, callback: (v) => `10^${Number(v).toFixed(0)}` } } } },
  }));
  const say = (ys: number[]) => (Number.isFinite(drop(ys)) ? `10^${drop(ys) >= 0 ? '+' : ''}${drop(ys).toFixed(1)}` : 'exactly 0 (a dead ReLU)');
  return el('section', { class: 'long-range', 'aria-label': 'Why attention fixes long-range gradients' },
    el('h3', { text: 'Why attention fixes long-range gradients' }),
    el('div', { class: 'chart-box' }, canvas),
    el('p', { id: 'long-range-summary', text: `From n = ${lr.n[0]} to ${lr.n[lr.n.length - 1]} words, the gradient reaching the first word changes by ${say(lr.rnn)} through the RNN (one factor per step) but by ${say(lr.attention)} through attention, where every word is one step from every other.` }),
    el('details', {}, el('summary', { text: 'The chart\'s numbers' }), el('table', { class: 'data' },
      el('thead', {}, el('tr', {}, el('th', { text: 'n' }), el('th', { text: 'log10 |dL/dx_1| attention' }), el('th', { text: 'log10 |dL/dx_1| RNN' }))),
      el('tbody', {}, ...lr.n.map((n, k) => el('tr', {}, el('td', { text: String(n) }), el('td', { text: lr.attention[k].toFixed(3) }), el('td', { text: Number.isFinite(lr.rnn[k]) ? lr.rnn[k].toFixed(3) : '−∞' })))))));
}

function drawLayer(): void {
  if (!current) return;
  const { trace: tr } = current;
  rowChart?.destroy();
  rowChart = undefined;
  const L = tr.layers[layer - 1];
  const slot = document.getElementById('weights-slot');
  if (slot) {
    const wasOpen = (document.getElementById('weights') as HTMLDetailsElement | null)?.open ?? false;
    const editor = weightsEditor(tr, current.options);
    slot.replaceChildren(editor ?? '');
    if (editor) (editor as HTMLDetailsElement).open = wasOpen;
    document.getElementById('reset-weights')?.addEventListener('click', () => { const { weights: _w, ...rest } = current!.options; send(rest); });
  }
  let worst = 0; // the largest deviation of a row sum of A from 1
  for (let i = 0, n = L.A.rows; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += L.A.data[i * n + j];
    worst = Math.max(worst, Math.abs(sum - 1));
  }
  const picker = el('div', { class: 'layers', role: 'group', 'aria-label': 'Layer' }, el('span', { text: 'Layer ' }),
    ...tr.layers.map((_l, k) => {
      const b = el('vscode-button' as 'button', { id: `layer-${k + 1}`, secondary: k + 1 !== layer, 'aria-pressed': String(k + 1 === layer) }, String(k + 1));
      b.addEventListener('click', () => { layer = k + 1; save(); drawLayer(); });
      return b;
    }));
  const scaleNote = current.options.variant === 'free' ? 'S = X Xᵀ: the dot product of every pair of word vectors.' : current.options.variant === 'scaled' ? 'S = X Xᵀ / √d.' : 'S = (X W_q)(X W_k)ᵀ / √d.';
  document.getElementById('layer-view')!.replaceChildren(
    picker,
    el('p', { id: 'row-sums', class: 'hint', text: worst < 1e-9
      ? `Layer ${layer} of ${tr.layers.length}. Every row of A sums to 1 (largest deviation ${worst.toExponential(1)}): each word's new vector is a weighted average of ${tr.W ? 'the value vectors x_j W_v' : 'all word vectors'}.`
      : `Layer ${layer} of ${tr.layers.length}. Warning: a row of A sums to 1 only within ${worst.toExponential(1)}; the similarities are too extreme for float64.` }),
    el('div', { class: 'heatmaps' },
      heatmapBlock('sim', 'S', L.S, 'diverging', tr.words, scaleNote),
      heatmapBlock('attn', 'A', L.A, 'sequential', tr.words, `A = row softmax(S${current.options.temperature !== 1 ? ` / ${fmt(current.options.temperature)}` : ''})${current.options.causal ? ', future words masked' : ''}.`)),
    row !== null && row < tr.words.length ? rowPanel(tr, layer, row) : el('p', { id: 'row-panel', class: 'hint', text: 'Click a row of either heatmap (or focus one and press ↓) to see how that word attends to the others.' }),
  );
}

/**
 * The controls are built once (web components are costly to rebuild) and kept while they already
 * show the trace's options, which is the case after the user changed one; options set by the host
 * (the command run again) rebuild them.
 */
function ensureControls(o: AttentionOptions, n: number): void {
  if (document.getElementById('controls') && JSON.stringify(readControls()) === JSON.stringify(o)) {
    (document.getElementById('length') as HTMLInputElement).value = String(n);
    return;
  }
  const form = controls(o, n);
  app.replaceChildren(form, el('div', { id: 'content' }));
  const apply = () => { const next = readControls(); if (JSON.stringify(next) !== JSON.stringify(current!.options)) send(next); };
  for (const id of ['variant', 'layers', 'd', 'temperature', 'causal', 'label', 'length', 'seed', 'sentence']) document.getElementById(id)?.addEventListener('change', apply);
  const t = document.getElementById('temperature') as HTMLInputElement;
  t.addEventListener('input', () => (document.getElementById('temperature-value')!.textContent = fmt(Math.pow(10, Number(t.value)))));
  form.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
}

function drawAll(): void {
  if (!current) return;
  charts.splice(0).forEach((c) => c.destroy());
  const { options: o, trace: tr } = current;
  layer = Math.min(Math.max(1, layer), tr.layers.length);
  if (row !== null && row >= tr.words.length) row = null;
  ensureControls(o, tr.words.length);
  document.getElementById('busy')?.remove();
  document.getElementById('error')?.remove();
  document.getElementById('content')!.replaceChildren(
    el('p', { id: 'summary', class: 'verdict healthy', text: `${tr.words.length} words, d = ${o.d}, K = ${o.layers}: the classifier reads the last word's final vector; p(happy) = ${fmt(tr.p)}, loss L = ${fmt(tr.loss)}.` }),
    el('section', { id: 'layer-view' }),
    vectorsEditor(tr, o),
    el('div', { id: 'weights-slot' }),
    longRangeChart(tr) ?? '',
  );
  drawLayer();
  document.getElementById('reset-vectors')?.addEventListener('click', () => { const { vectors: _v, ...rest } = o; send(rest); });
}

function message(kind: 'busy' | 'error', text: string): void {
  document.getElementById('busy')?.remove();
  document.getElementById('error')?.remove();
  const box = el('p', { id: kind, class: kind, role: kind === 'error' ? 'alert' : 'status', text });
  if (current || code) app.prepend(box);
  else app.replaceChildren(box);
}

function drawCode(): void {
  if (!code) return;
  const shown = code;
  vscode.setState({ options: shown.options, layer: (codeRow?.softmax ?? 0) + 1, row: codeRow?.row ?? null });
  const focused = document.activeElement?.id;
  drawCodeAttention(app, shown.options, shown.code, codeRow, (softmax, r) => { codeRow = { softmax, row: r }; drawCode(); });
  if (focused) document.getElementById(focused)?.focus();
}

onHostMessage<ToAttentionView>((m) => {
  switch (m.type) {
    case 'trace':
      switch (m.mode) {
        case undefined: case 'sentence':
          code = undefined;
          current = { options: m.options, trace: m.trace };
          save();
          drawAll();
          break;
        case 'code':
          if (code && code.options.text !== m.options.text) codeRow = null; // another file's rows
          charts.splice(0).forEach((c) => c.destroy());
          rowChart?.destroy();
          rowChart = undefined;
          current = undefined;
          code = { options: m.options, code: m.code };
          drawCode();
          break;
        default: assertNever(m);
      }
      break;
    case 'busy': message('busy', m.message); break;
    case 'error': message('error', m.message); break;
    default: assertNever(m);
  }
});

window.addEventListener('resize', () => (code ? drawCode() : drawLayer()));
vscode.post({ type: 'ready' });
