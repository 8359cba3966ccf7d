/**
 * The code stepper in the browser: the backward pass through the student's own code one statement
 * at a time (keys, buttons, or the editor's keybindings through the host), with each statement's
 * value, its gradient and the op's local rule, the |dL/dh_t| chart of the hidden state filling in,
 * every parameter's gradient, and the values the trace assumed (editable where the code gives none).
 * The cursor goes to the host so the editor can light up the statement.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { CodeStep, CodeTrace, Shown } from '../../frontends/python/codeTrace';
import type { CodePanelOptions, CodeViewState, FromCodeView, ToCodeView } from '../codeProtocol';
import { assertNever } from '../panelProtocol';
import { el, fmt, stepHead } from './dom';
import type { FlowChart } from './flowChart';
import { flowChart } from './flowChart';
import { tex } from './math';
import { onStepKeys } from './stepKeys';
import { parseTypedValue, typedText } from './typedValue';
import { host, onHostMessage } from './vscodeApi';

const vscode = host<FromCodeView, CodeViewState>();
const app = document.getElementById('app')!;

let current: { options: CodePanelOptions; trace: CodeTrace } | undefined;
let cursor = vscode.getState()?.cursor ?? 0;
let chart: FlowChart | undefined;

const same = (a: CodePanelOptions, b: CodePanelOptions): boolean => JSON.stringify(a) === JSON.stringify(b);
const shown = (v: Shown): string => (v.scalar !== undefined ? fmt(v.scalar) : `‖${fmt(v.norm)}‖, shape (${v.shape.join(', ')}), first entries ${v.head.slice(0, 4).map(fmt).join(', ')}…`);
const label = (s: CodeStep): string => `${s.name}${s.subscripted ? '[…]' : ''}`;
/** A traced line (0-based) as the document's "line N", or an earlier notebook cell's. */
const docLine = (line: number): string => {
  const n = line + 1 - (current?.options.lineOffset ?? 0);
  return n >= 1 ? `line ${n}` : 'an earlier cell';
};

function setCursor(k: number): void {
  if (!current) return;
  cursor = Math.max(0, Math.min(current.trace.steps.length - 1, k));
  vscode.setState({ options: current.options, cursor });
  vscode.post({ type: 'cursor', cursor });
  drawStep();
}

function send(options: CodePanelOptions): void {
  vscode.setState({ options, cursor: 0 });
  vscode.post({ type: 'setOptions', options });
}

function assumedList(t: CodeTrace, o: CodePanelOptions): HTMLElement {
  if (!t.assumed.length) return el('p', { class: 'hint', text: 'Every value came from the code itself.' });
  const list = el('div', { class: 'controls variables', role: 'group', 'aria-label': 'Values the trace assumed' });
  for (const a of t.assumed) {
    const guessed = a.whole ? 'guessed from its use: the code does not set it'
      : a.shape ? `seeded, shape (${a.shape.join(', ')}) from its use: the code does not set it` : 'seeded: the code does not set it';
    const where = a.origin === 'assignment' ? docLine(a.line ?? 0) : a.origin === 'annotation' ? `annotation, ${docLine(a.line ?? 0)}` : a.origin === 'typed' ? 'typed here' : guessed;
    if (typeof a.edit === 'number') {
      const input = el('input', { type: 'number', step: a.whole ? 1 : 0.1, value: a.edit, 'aria-label': `Value of ${a.name}`, 'data-var': a.name });
      input.addEventListener('change', () => {
        const x = Number(input.value);
        if (input.value.trim() !== '' && Number.isFinite(x)) send({ ...o, values: { ...o.values, [a.name]: x } });
      });
      list.append(el('label', { class: 'control' }, el('span', { text: `${a.name} (${where})` }), input));
    } else if (a.edit !== undefined) {
      // a small array: typed as nested lists; a mistake is said under the field and nothing is sent
      const error = el('span', { class: 'hint', role: 'alert', id: `err-${a.name}` });
      const input = el('input', { type: 'text', class: 'array-value', value: typedText(a.edit), spellcheck: 'false', 'aria-label': `Value of ${a.name}, as nested lists`, 'aria-describedby': `err-${a.name}`, 'data-var': a.name });
      input.addEventListener('change', () => {
        const r = parseTypedValue(input.value, a.name);
        if ('error' in r) {
          input.setAttribute('aria-invalid', 'true');
          error.textContent = r.error;
          return;
        }
        send({ ...o, values: { ...o.values, [a.name]: r.value } });
      });
      list.append(el('label', { class: 'control array' }, el('span', { text: `${a.name} (${where})` }), input, error));
    } else {
      list.append(el('div', { class: 'control' }, el('span', { text: `${a.name} (${where})` }), el('span', { text: shown(a.value) })));
    }
  }
  return list;
}

function paramsTable(t: CodeTrace): HTMLElement {
  const table = el('table', { class: 'data', id: 'params', 'aria-label': 'Gradients of the parameters' },
    el('thead', {}, el('tr', {}, ...['parameter', 'line', 'value', `dL/dparameter`].map((h) => el('th', { scope: 'col', text: h })))));
  const body = el('tbody');
  for (const p of t.params) body.append(el('tr', { 'data-param': p.name }, el('th', { scope: 'row', text: p.name }), el('td', { text: docLine(p.line).replace('line ', '') }), el('td', { text: shown(p.value) }), el('td', { text: shown(p.grad) })));
  table.append(body);
  return table;
}

function drawAll(): void {
  if (!current) return;
  const { trace: t, options: o } = current;
  chart?.destroy();
  chart = undefined;
  app.replaceChildren(
    el('p', { id: 'summary', class: 'verdict', role: 'status', text: `${o.title}: ${t.loss.name} = ${fmt(t.loss.value)} (${t.ops} engine ops, ${t.steps.length} statements on the way back)` }),
    el('h3', { text: 'Values the trace assumed' }),
    assumedList(t, o),
    el('section', { class: 'step', 'aria-label': 'Backward step', 'aria-live': 'polite' },
      stepHead('one statement further back', 'the first parameter'),
      el('p', { id: 'step-result', class: 'step-result' }),
      el('div', { id: 'formula', class: 'formula' }),
      el('p', { id: 'step-note', class: 'step-note' })),
    ...(t.hidden ? [el('section', { class: 'chart-wrap', 'aria-label': 'Gradient magnitude per time step' },
      el('h3', { text: `‖dL/d${t.hidden.name}_t‖ as you step back (log scale)` }),
      el('div', { class: 'chart-box small' }, el('canvas', { id: 'chart', role: 'img', 'aria-label': `Line chart of the norm of dL/d${t.hidden.name} against t on a log scale` })))] : []),
    el('h3', { text: 'Gradients of the parameters' }),
    paramsTable(t),
  );
  if (t.hidden) chart = flowChart(document.getElementById('chart') as HTMLCanvasElement, { compact: true });
  for (const [id, k] of [['home', () => 0], ['prev', () => cursor - 1], ['next', () => cursor + 1], ['end', () => t.steps.length - 1]] as const) {
    document.getElementById(id)!.addEventListener('click', () => setCursor(k()));
  }
  drawStep();
}

function drawStep(): void {
  if (!current) return;
  const t = current.trace;
  const s = t.steps[cursor];
  if (!s) return;
  const line = s.range.line + 1 - (current.options.lineOffset ?? 0); // the document's, not the traced text's
  document.getElementById('step-count')!.textContent = `Step ${cursor + 1} of ${t.steps.length}: line ${line}`;
  const result = document.getElementById('step-result')!;
  result.textContent = `dL/d${label(s)}${s.t !== undefined ? ` (t = ${s.t})` : ''} = ${shown(s.grad)}`;
  Object.assign(result.dataset, { line: String(line), name: s.name, grad: String(s.grad.scalar ?? s.grad.norm), t: s.t === undefined ? '' : String(s.t) });
  tex(document.getElementById('formula')!, s.op === 'param' ? '\\text{a parameter: its gradient is complete}' : `\\text{${s.op}:}\\quad ${s.rule}`);
  document.getElementById('step-note')!.textContent = `${label(s)} = ${shown(s.value)}${s.t !== undefined ? ` at t = ${s.t}` : ''}: the value this statement computed on the way forward.`;
  if (chart && t.hidden) {
    const now = s.t ?? t.hidden.steps[t.hidden.steps.length - 1].t;
    const T = t.hidden.steps[t.hidden.steps.length - 1].t;
    chart.show(t.hidden.steps.filter((h) => h.t >= now).map((h) => ({ t: h.t, log10: h.log10 })), T, now);
  }
}

onStepKeys(() => (current ? current.trace.steps.length - 1 : undefined), () => cursor, setCursor);

function message(kind: 'busy' | 'error', text: string, options: CodePanelOptions): void {
  const box = el('p', { id: kind, class: kind, role: kind === 'error' ? 'alert' : 'status', text });
  document.getElementById('busy')?.remove();
  document.getElementById('error')?.remove();
  if (current && same(current.options, options)) return void app.prepend(box);
  if (kind === 'error') current = undefined;
  if (!current) app.replaceChildren(box);
  else app.prepend(box);
}

onHostMessage<ToCodeView>((m) => {
  switch (m.type) {
    case 'trace': {
      const state = vscode.getState();
      cursor = state && same(state.options, m.options) ? Math.min(state.cursor, m.trace.steps.length - 1) : 0;
      current = { options: m.options, trace: m.trace };
      vscode.setState({ options: m.options, cursor });
      drawAll();
      vscode.post({ type: 'cursor', cursor });
      break;
    }
    case 'step':
      setCursor(cursor + m.delta);
      break;
    case 'busy':
      message('busy', m.message, m.options);
      break;
    case 'error':
      message('error', m.message, m.options);
      break;
    default:
      assertNever(m);
  }
});

vscode.post({ type: 'ready' });
