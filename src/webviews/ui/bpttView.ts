/**
 * Rendering of the BPTT panel's parts from a trace and the step cursor: the controls, the unrolled
 * RNN (one column per word, a window of columns for long sequences), the per-step contributions to
 * dL/dw_h and dL/dw_i, and the chart's data table. DOM only; the entry wires events and state.
 */
import type { BpttOptions } from '../../frontends/sentenceBptt';
import type { BpttTrace } from '../../models/bptt';
import type { Nested } from '../../engine/tensor';
import { nestedNorm as norm } from '../../engine/tensor';
import { el, fmt, select } from './dom';

export const WINDOW = 12;

const show = (tr: BpttTrace, v: Nested): string => (tr.scalar ? fmt(v as number) : `‖${fmt(norm(v))}‖`);

export function controls(o: BpttOptions, words: number, maxWords: number): HTMLElement {

  return el('form', { id: 'controls', class: 'controls', 'aria-label': 'RNN settings' },
    el('label', { class: 'control sentence' }, el('span', { text: 'Sentence' }),
      el('vscode-textfield' as 'input', { id: 'sentence', value: o.sentence, 'aria-label': 'Sentence' })),
    el('label', { class: 'control' }, el('span', { text: 'w_h' }),
      el('input', { id: 'wh', type: 'range', min: 0, max: 2, step: 0.05, value: o.w_h, 'aria-label': 'Recurrent weight w_h' }),
      el('output', { id: 'wh-value', for: 'wh', text: String(o.w_h) })),
    select('cell', 'Cell', o.cell, [['relu', 'ReLU'], ['tanh', 'tanh']]),
    select('hidden', 'Hidden size', String(o.hidden), [['1', 'scalar (lecture)'], ['2', '2'], ['4', '4'], ['8', '8'], ['16', '16']]),
    el('div', { class: 'control', role: 'group', 'aria-label': 'Label' }, el('span', { text: 'Label' }),
      el('vscode-radio-group' as 'div', { id: 'label' },
        el('vscode-radio' as 'input', { name: 'label', value: 'happy', checked: o.label === 'happy', label: 'happy' }, 'happy'),
        el('vscode-radio' as 'input', { name: 'label', value: 'sad', checked: o.label === 'sad', label: 'sad' }, 'sad'))),
    el('label', { class: 'control' }, el('span', { text: 'Words' }),
      el('vscode-textfield' as 'input', { id: 'length', type: 'number', min: 1, max: maxWords, value: words, 'aria-label': `Sequence length (the sentence repeated), up to ${maxWords} words` })),
  );
}

/** The columns shown: all of them up to WINDOW words, else a window around t. */
export function columnRange(T: number, t: number): [number, number] {
  if (T <= WINDOW) return [1, T];
  const lo = Math.min(Math.max(1, t - Math.floor(WINDOW / 2)), T - WINDOW + 1);
  return [lo, lo + WINDOW - 1];
}

export function unrolled(tr: BpttTrace, words: readonly string[], cursor: number): HTMLElement {
  const t = tr.T - cursor;
  const [lo, hi] = columnRange(tr.T, Math.max(t, 1));
  const rows = ['word', 'x_t', 'a_t', 'h_t', 'dL/dh_t'];
  const table = el('table', { class: 'rnn', id: 'rnn', 'aria-label': `Unrolled RNN, words ${lo} to ${hi} of ${tr.T}` });
  const head = el('tr', {}, el('th', { scope: 'col', text: 't' }));
  for (let k = lo; k <= hi; k++) head.append(el('th', { scope: 'col', class: `rnn-col${k === t || (k === t + 1 && cursor > 0) ? ' current' : ''}`, 'data-t': k, text: String(k) }));
  head.append(el('th', { scope: 'col', class: 'rnn-out', text: 'output' }));
  table.append(el('thead', {}, head));
  const body = el('tbody');
  rows.forEach((r, i) => {
    const tr_ = el('tr', {}, el('th', { scope: 'row', text: r }));
    for (let k = lo; k <= hi; k++) {
      const s = tr.steps[k - 1];
      const reached = k >= t;
      const text = i === 0 ? words[k - 1] : i === 1 ? show(tr, s.x) : i === 2 ? show(tr, s.a) : i === 3 ? show(tr, s.h) : reached ? show(tr, s.dLdh) : '·';
      tr_.append(el('td', { class: `${k === t ? 'current' : ''}${s.flag === 'dead' ? ' dead' : ''}`, text }));
    }
    const out = i === 0 ? '' : i === 1 ? `z = ${fmt(tr.z)}` : i === 2 ? `p = ${fmt(tr.p)}` : i === 3 ? `L = ${fmt(tr.loss)}` : '';
    tr_.append(el('td', { class: 'rnn-out', text: out }));
    body.append(tr_);
  });
  table.append(body);
  const more = tr.T > WINDOW ? el('p', { class: 'hint', text: `Showing words ${lo}–${hi} of ${tr.T}; the window follows the step.` }) : null;
  return el('div', { class: 'rnn-wrap' }, table, more);
}

/** The terms of dL/dw_h and dL/dw_i from the steps taken so far, newest first, and their sums. */
export function contributions(tr: BpttTrace, words: readonly string[], cursor: number): HTMLElement {
  const done = tr.steps.slice(tr.T - cursor).reverse();
  const shown = done.slice(0, 20);
  const sum = (k: 'contribWh' | 'contribWi') => done.reduce((s, st) => (tr.scalar ? s + (st[k] as number) : s), 0);
  const wh = tr.scalar ? 'dL/dw_h' : '‖dL/dW_h term‖', wi = tr.scalar ? 'dL/dw_i' : '‖dL/dW_i term‖';
  const table = el('table', { class: 'contrib', id: 'contrib', 'aria-label': 'Each step\'s term of the weight gradients' },
    el('thead', {}, el('tr', {}, el('th', { text: 't' }), el('th', { text: 'word' }), el('th', { text: `term of ${wh}` }), el('th', { text: `term of ${wi}` }))));
  const body = el('tbody');
  for (const st of shown) {
    body.append(el('tr', {}, el('td', { text: String(st.t) }), el('td', { text: words[st.t - 1] }), el('td', { text: show(tr, st.contribWh) }), el('td', { text: show(tr, st.contribWi) })));
  }
  if (done.length > shown.length) body.append(el('tr', {}, el('td', { colspan: 4, class: 'hint', text: `… ${done.length - shown.length} earlier steps` })));
  table.append(body);
  const foot = el('tfoot');
  if (tr.scalar) foot.append(el('tr', {}, el('th', { colspan: 2, text: `sum of ${done.length} step(s)` }), el('td', { text: fmt(sum('contribWh')) }), el('td', { text: fmt(sum('contribWi')) })));
  foot.append(el('tr', {}, el('th', { colspan: 2, text: `all ${tr.T} steps = the gradient` }), el('td', { id: 'grad-wh', text: show(tr, tr.grads.W_h) }), el('td', { id: 'grad-wi', text: show(tr, tr.grads.W_i) })));
  table.append(foot);
  return el('section', { class: 'contrib-wrap', 'aria-label': 'Weight gradients' },
    el('h3', { text: 'Every step adds a term to the weight gradients' }),
    el('p', { class: 'hint', text: `dL/dw_h = Σ_t ${tr.cell === 'relu' ? "relu'(a_t)" : '(1 − h_t²)'} h_{t-1} dL/dh_t: the same weight changes every hidden state.` }),
    table);
}

/** The chart's numbers as a table, for screen readers (built when opened: 10,000 rows are costly). */
export function chartTable(tr: BpttTrace, cursor: number): HTMLTableElement {
  const table = el('table', { class: 'data', 'aria-label': '|dL/dh_t| per time step' },
    el('thead', {}, el('tr', {}, el('th', { text: 't' }), el('th', { text: 'dL/dh_t' }), el('th', { text: 'log10 |dL/dh_t|' }))));
  const body = el('tbody');
  for (let t = tr.T; t >= tr.T - cursor; t--) {
    body.append(el('tr', {}, el('td', { text: String(t) }), el('td', { text: show(tr, tr.dL_dh[t]) }), el('td', { text: Number.isFinite(tr.log10_dL_dh[t]) ? tr.log10_dL_dh[t].toFixed(3) : '−∞ (exactly 0)' })));
  }
  table.append(body);
  return table;
}
