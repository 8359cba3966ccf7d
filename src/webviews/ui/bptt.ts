/**
 * The BPTT panel in the browser: holds the trace the host sent and a step cursor, and redraws the
 * step, the unrolled RNN, the chart and the contributions when the cursor moves. Stepping needs no
 * round trip; only new options go to the host. The cursor and options persist with setState.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { BpttOptions } from '../../frontends/sentenceBptt';
import type { BpttTrace } from '../../models/bptt';
import type { BpttViewState, FromBpttView, ToBpttView } from '../bpttProtocol';
import { assertNever } from '../panelProtocol';
import { stepView } from './bpttStep';
import { chartTable, contributions, controls, unrolled } from './bpttView';
import { el, stepHead } from './dom';
import type { FlowChart } from './flowChart';
import { flowChart } from './flowChart';
import { tex } from './math';
import { onStepKeys } from './stepKeys';
import { host, onHostMessage } from './vscodeApi';

const vscode = host<FromBpttView, BpttViewState>();
const app = document.getElementById('app')!;

let current: { options: BpttOptions; words: string[]; trace: BpttTrace; maxWords: number } | undefined;
let cursor = vscode.getState()?.cursor ?? 0;
let chart: FlowChart | undefined;

const sameOptions = (a: BpttOptions, b: BpttOptions) => JSON.stringify(a) === JSON.stringify(b);

function setCursor(k: number): void {
  if (!current) return;
  cursor = Math.max(0, Math.min(current.trace.T, k));
  vscode.setState({ options: current.options, cursor });
  drawStep();
}

function send(options: BpttOptions): void {
  vscode.setState({ options, cursor: 0 });
  vscode.post({ type: 'setOptions', options });
}

function readControls(): BpttOptions {
  const o = current!.options;
  const value = (id: string) => (document.getElementById(id) as HTMLInputElement | null)?.value;
  const radio = document.querySelector<HTMLInputElement>('#label vscode-radio[checked]');
  const length = Math.round(Number(value('length')));
  return {
    ...o,
    sentence: value('sentence') ?? o.sentence,
    w_h: Number(value('wh') ?? o.w_h),
    cell: value('cell') === 'tanh' ? 'tanh' : 'relu',
    hidden: Number(value('hidden') ?? o.hidden) || 1,
    label: (radio?.getAttribute('value') ?? radio?.value) === 'sad' ? 'sad' : 'happy',
    // the field shows the word count; an unchanged count keeps the option (0 = the sentence as written)
    length: Number.isFinite(length) && length >= 1 && length !== current!.words.length ? Math.min(length, current!.maxWords) : o.length,
  };
}

function drawAll(): void {
  if (!current) return;
  const { options, trace, maxWords } = current;
  chart?.destroy();
  chart = undefined;
  app.replaceChildren(
    controls(options, current.words.length, maxWords),
    el('p', { id: 'verdict', class: `verdict ${trace.verdict.kind}`, role: 'status', 'data-kind': trace.verdict.kind, text: trace.verdict.message }),
    el('section', { id: 'unrolled', 'aria-label': 'The unrolled RNN' }),
    el('section', { class: 'step', 'aria-label': 'Backward step', 'aria-live': 'polite' },
      stepHead('one more step back in time', 'all the way to h_0'),
      el('div', { id: 'formula', class: 'formula' }),
      el('p', { id: 'step-result', class: 'step-result' }),
      el('p', { id: 'step-note', class: 'step-note' })),
    el('section', { class: 'chart-wrap', 'aria-label': 'Gradient magnitude per time step' },
      el('h3', { text: '|dL/dh_t| as you step back (log scale)' }),
      el('div', { class: 'chart-box' }, el('canvas', { id: 'chart', role: 'img', 'aria-label': 'Line chart of |dL/dh_t| against t on a log scale; the same numbers are in the table below' })),
      el('details', { id: 'chart-data' }, el('summary', { text: 'The chart\'s numbers as a table' }))),
    el('section', { id: 'contrib-section' }),
  );
  chart = flowChart(document.getElementById('chart') as HTMLCanvasElement);
  wireControls();
  drawStep();
}

function drawStep(): void {
  if (!current) return;
  const { trace, words } = current;
  const v = stepView(trace, cursor);
  document.getElementById('unrolled')!.replaceChildren(unrolled(trace, words, cursor));
  document.getElementById('step-count')!.textContent = `Step ${cursor} of ${trace.T}: dL/dh_${v.t}`;
  tex(document.getElementById('formula')!, v.latex);
  const result = document.getElementById('step-result')!;
  result.textContent = v.result;
  result.dataset.value = String(v.value);
  result.dataset.t = String(v.t);
  document.getElementById('step-note')!.textContent = v.note;
  const points = [];
  for (let t = trace.T; t >= v.t; t--) points.push({ t, log10: trace.log10_dL_dh[t] });
  chart?.show(points.reverse(), trace.T, v.t);
  const details = document.getElementById('chart-data') as HTMLDetailsElement;
  details.querySelector('table')?.remove();
  if (details.open) details.append(chartTable(trace, cursor));
  document.getElementById('contrib-section')!.replaceChildren(contributions(trace, words, cursor));
}

function wireControls(): void {
  const wh = document.getElementById('wh') as HTMLInputElement;
  wh.addEventListener('input', () => (document.getElementById('wh-value')!.textContent = wh.value));
  const apply = () => { const o = readControls(); if (!sameOptions(o, current!.options)) send(o); };
  for (const id of ['wh', 'cell', 'hidden', 'label', 'length', 'sentence']) document.getElementById(id)?.addEventListener('change', apply);
  document.getElementById('controls')!.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
  document.getElementById('home')!.addEventListener('click', () => setCursor(0));
  document.getElementById('prev')!.addEventListener('click', () => setCursor(cursor - 1));
  document.getElementById('next')!.addEventListener('click', () => setCursor(cursor + 1));
  document.getElementById('end')!.addEventListener('click', () => setCursor(current!.trace.T));
  document.getElementById('chart-data')!.addEventListener('toggle', () => drawStep());
}

onStepKeys(() => current?.trace.T, () => cursor, setCursor);

/** A busy or error line above the shown trace, which keeps its own options: a step taken while new
 * options compute belongs to the old trace. */
function message(kind: 'busy' | 'error', text: string): void {
  const box = el('p', { id: kind, class: kind, role: kind === 'error' ? 'alert' : 'status', text });
  if (!current) {
    app.replaceChildren(box);
    return;
  }
  document.getElementById('busy')?.remove();
  document.getElementById('error')?.remove();
  app.prepend(box);
}

onHostMessage<ToBpttView>((m) => {
  switch (m.type) {
    case 'trace': {
      const state = vscode.getState();
      cursor = state && sameOptions(state.options, m.options) ? Math.min(state.cursor, m.trace.T) : 0;
      current = { options: m.options, words: m.words, trace: m.trace, maxWords: m.maxWords };
      vscode.setState({ options: m.options, cursor });
      drawAll();
      break;
    }
    case 'busy':
      message('busy', m.message);
      break;
    case 'error':
      message('error', m.message);
      break;
    default:
      assertNever(m);
  }
});

vscode.post({ type: 'ready' });
