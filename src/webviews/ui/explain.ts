/**
 * The Explain Gradient panel in the browser: the graph, the backward pass one node at a time (keys
 * and buttons, no round trip), every path from the output to an input, and the symbolic derivative
 * with its numeric check. New values, the variable or the expression go to the host; the cursor
 * and options persist with setState.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { latexNum, localsLatex, pathLatex, plainSymbol, stepLatex } from '../../explain/derivation';
import type { ExplainTrace } from '../../explain/explainTrace';
import type { ExplainPanelOptions, ExplainViewState, FromExplainView, ToExplainView } from '../explainProtocol';
import { assertNever } from '../panelProtocol';
import { el, fmt, select, stepHead, thousands } from './dom';
import { fitGraph, graphSvg } from './explainGraph';
import { runLaterScriptsWhenShown, texSoon, whenPresented } from './lazyMath';
import { onStepKeys } from './stepKeys';
import { host, onHostMessage } from './vscodeApi';

const vscode = host<FromExplainView, ExplainViewState>();
const app = document.getElementById('app')!;

let current: { options: ExplainPanelOptions; trace: ExplainTrace } | undefined;
let cursor = vscode.getState()?.cursor ?? 0;
let pathVar = vscode.getState()?.pathVar;

/**
 * Work that can wait until the graph and the step are on screen (the values bar, the paths, the
 * symbolic derivatives, every formula): run in slices of about 12 ms between frames, so the graph
 * and the step show at once even for big expressions. After a new trace the queue waits until the
 * step's line has been presented (not only painted): the browser rasterizes the page on the same
 * two cores, and work run in between only delays what the student sees first.
 */
let pending: (() => void)[] = [];
let held = false;
function later(render: () => void): void {
  if (pending.push(render) === 1 && !held) requestAnimationFrame(() => setTimeout(drain, 0)); // after the next paint
}
function drain(): void {
  const t0 = performance.now();
  while (pending.length && performance.now() - t0 < 12) pending.shift()!();
  if (pending.length) setTimeout(drain, 0);
}
/** Holds the queue until the step drawn after `since` is on screen. */
function holdUntilShown(since: number): void {
  held = true;
  whenPresented('step-result', () => {
    held = false;
    if (pending.length) setTimeout(drain, 0);
  }, since);
}

const same = (a: ExplainPanelOptions, b: ExplainPanelOptions): boolean => JSON.stringify(a) === JSON.stringify(b);
const save = (): void => {
  if (current) vscode.setState({ options: current.options, cursor, ...(pathVar ? { pathVar } : {}) });
};

function send(options: ExplainPanelOptions): void {
  vscode.setState({ options, cursor: 0 });
  vscode.post({ type: 'setOptions', options });
}

function setCursor(k: number): void {
  if (!current) return;
  cursor = Math.max(0, Math.min(current.trace.steps.length - 1, k));
  save();
  drawStep();
}

const SYNTAX = 'Plain text: * / + - ^ (or **), implicit products (2x, w_h h0), exp, log/ln, sqrt, abs, sin, cos, tanh, sigmoid/σ, relu, softplus, max, min, step/heaviside/relu\'. LaTeX: \\frac, \\cdot, \\times, ^{}, _{}, \\sigma, \\tanh, \\exp, e^{}, \\log, \\ln, \\sqrt, \\left( \\right), \\operatorname{relu}, \\mathrm{ReLU}, \\max.';

function expressionForm(o: ExplainPanelOptions): HTMLElement {
  const field = el('vscode-textfield' as 'input', { id: 'expression', value: o.expression, 'aria-label': 'Expression to differentiate' });
  const form = el('form', { id: 'expr-form', class: 'controls', 'aria-label': 'Expression' },
    el('label', { class: 'control sentence' }, el('span', { text: 'Expression' }), field),
    el('vscode-button' as 'button', { id: 'explain', title: 'Enter: explain this expression' }, 'Explain'));
  const apply = (): void => {
    const expression = (document.getElementById('expression') as HTMLInputElement).value;
    if (expression !== o.expression) send({ ...o, expression, source: undefined });
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
  field.addEventListener('keydown', (e) => { if ((e as KeyboardEvent).key === 'Enter') apply(); });
  form.querySelector('#explain')!.addEventListener('click', apply);
  return form;
}

function variablesBar(t: ExplainTrace, o: ExplainPanelOptions): HTMLElement {
  const bar = el('div', { class: 'controls variables', role: 'group', 'aria-label': 'Values of the variables' });
  for (const v of t.variables) {
    const input = el('input', { type: 'number', step: 0.1, value: v.value, 'aria-label': `Value of ${v.name}`, 'data-var': v.name });
    input.addEventListener('change', () => {
      const x = Number(input.value);
      if (input.value.trim() !== '' && Number.isFinite(x)) send({ ...o, values: { ...o.values, [v.name]: x } });
    });
    bar.append(el('label', { class: 'control' }, el('span', { text: v.assumed ? `${v.name} (seeded)` : v.name }), input));
  }
  if (t.variables.length > 1) {
    const wrt = select('wrt', 'Differentiate by', o.wrt ?? '', [['', 'all variables'], ...t.variables.map((v): [string, string] => [v.name, v.name])]);
    wrt.querySelector('#wrt')!.addEventListener('change', (e) => {
      const value = (e.target as HTMLInputElement).value;
      send({ ...o, wrt: value === '' ? null : value });
    });
    bar.append(wrt);
  }
  if (Object.keys(o.values).length) {
    const reset = el('vscode-button' as 'button', { id: 'reset-values', secondary: true }, 'Back to seeded values');
    reset.addEventListener('click', () => send({ ...o, values: {} }));
    bar.append(reset);
  }
  return bar;
}

function drawAll(): void {
  if (!current) return;
  pending = []; // a redraw drops the old trace's unrendered formulas
  holdUntilShown(performance.now());
  const { trace: t, options: o } = current;
  const head = el('div', { id: 'expr-head', class: 'formula', 'aria-label': `f = ${t.text}`, text: `f = ${t.text} = ${fmt(t.value)}` });
  later(() => texSoon(head, `f = ${t.latex} = ${latexNum(t.value)}`, head.textContent ?? ''));
  const copy = (format: 'latex' | 'markdown', label: string): HTMLElement => {
    const b = el('vscode-button' as 'button', { id: `copy-${format}`, secondary: true, title: `Copy the whole derivation as ${label}` }, `Copy as ${label}`);
    b.addEventListener('click', () => vscode.post({ type: 'copy', format }));
    return b;
  };
  app.replaceChildren(
    expressionForm(o),
    head,
    el('div', { id: 'variables' }),
    ...(t.kink ? [el('p', { class: 'verdict dead', role: 'note', text: t.kink.note })] : []),
    el('div', { class: 'graph-wrap', id: 'graph-wrap' }),
    el('section', { class: 'step', 'aria-label': 'Backward step', 'aria-live': 'polite' },
      stepHead('one node further back', 'the last input', copy('latex', 'LaTeX'), copy('markdown', 'Markdown')),
      el('div', { id: 'formula', class: 'formula' }),
      el('p', { id: 'step-result', class: 'step-result', elementtiming: 'step-result' }),
      el('div', { id: 'step-rules', class: 'step-rules' }),
      el('p', { id: 'step-note', class: 'step-note' })),
    el('section', { id: 'paths', 'aria-label': 'All paths' }, el('p', { class: 'hint', text: 'Listing the paths…' })),
    el('section', { id: 'symbolic', 'aria-label': 'Symbolic derivative' }, el('p', { class: 'hint', text: 'Deriving…' })),
    el('details', {}, el('summary', { text: 'Accepted syntax' }), el('p', { class: 'hint', text: SYNTAX })),
  );
  for (const [id, k] of [['home', () => 0], ['prev', () => cursor - 1], ['next', () => cursor + 1], ['end', () => t.steps.length - 1]] as const) {
    document.getElementById(id)!.addEventListener('click', () => setCursor(k()));
  }
  drawStep(true);
  // KaTeX runs once the first trace is on screen (it is ~100 ms of script)
  runLaterScriptsWhenShown('step-result');
  // the graph and the step paint first; the values, the paths and the derivatives follow
  later(() => document.getElementById('variables')!.replaceWith(variablesBar(t, o)));
  later(() => document.getElementById('paths')!.replaceWith(pathsSection(t)));
  later(() => document.getElementById('symbolic')!.replaceWith(derivativeSection(t, o.wrt)));
}

/** The graph's room: the window less the body's padding and the frame's border (no forced layout). */
const graphWidth = (): number => window.innerWidth - 2 * 12 - 2;

/** `firstPaint`: the step's formulas wait for the frame after the graph and the numbers. */
function drawStep(firstPaint = false): void {
  if (!current) return;
  const at = cursor;
  const math = (render: () => void): void => (firstPaint ? later(() => { if (cursor === at) render(); }) : render());
  const t = current.trace;
  const s = t.steps[cursor];
  const n = t.nodes[s.node];
  const done = new Set(t.steps.slice(0, cursor + 1).map((x) => x.node));
  const wrap = document.getElementById('graph-wrap')!;
  const keepScroll = wrap.firstElementChild ? [wrap.scrollLeft, wrap.scrollTop] : [0, 0];
  wrap.replaceChildren(graphSvg(t, done, s.node, new Set(s.terms.map((c) => c.child)), {
    hover: (id) => vscode.post({ type: 'highlight', span: id === null ? null : t.nodes[id].span ?? null }),
    pick: (id) => {
      const k = t.steps.findIndex((x) => x.node === id);
      if (k >= 0) setCursor(k);
    },
  }));
  fitGraph(wrap.firstElementChild as SVGSVGElement, graphWidth());
  // reading or setting the scroll forces a layout: only a redrawn graph has a scroll to keep
  if (keepScroll[0] || keepScroll[1]) [wrap.scrollLeft, wrap.scrollTop] = keepScroll;
  const who = n.kind === 'variable' ? `the input ${n.label}` : n.kind === 'output' ? 'the output f' : `${plainSymbol(n)} = ${n.label}(…)`;
  document.getElementById('step-count')!.textContent = `Step ${cursor + 1} of ${t.steps.length}: ${who}`;
  const formula = document.getElementById('formula')!;
  formula.replaceChildren();
  math(() => texSoon(formula, stepLatex(t, s), ''));
  const result = document.getElementById('step-result')!;
  result.textContent = `∂f/∂${plainSymbol(n)} = ${fmt(s.grad)}`;
  result.dataset.node = String(s.node);
  result.dataset.grad = String(s.grad);
  result.dataset.kind = n.kind;
  result.dataset.label = n.label;
  // the local rule of every child edge, from the op table, then what this node passes back
  const rules = document.getElementById('step-rules')!;
  rules.replaceChildren();
  for (const c of s.terms) {
    const child = t.nodes[c.child];
    const box = el('div', { class: 'rule' });
    box.textContent = `∂${plainSymbol(child)}/∂${plainSymbol(n)} = ${fmt(c.local)}`;
    math(() => texSoon(box, `${child.symbol} = ${child.latex}:\\quad ${child.rule}\\;\\Rightarrow\\; \\frac{\\partial ${child.symbol}}{\\partial ${n.symbol}} = ${latexNum(c.local)}`, box.textContent ?? ''));
    rules.append(box);
  }
  const passes = localsLatex(t, s);
  if (passes.length) {
    const box = el('div', { class: 'rule passes' });
    math(() => texSoon(box, `\\text{passes back: } ${passes.join(',\\quad ')}`, ''));
    rules.append(box);
  }
  const note = document.getElementById('step-note')!;
  note.textContent = s.terms.length > 1
    ? `${n.kind === 'variable' ? n.label : 'This node'} feeds ${s.terms.length} nodes, so its gradient is the sum of ${s.terms.length} terms, one per child: like w_h in the RNN, which changes every hidden state.`
    : s.terms.length === 0 ? 'The backward pass starts at the output with ∂f/∂f = 1.' : '';
}

function pathsSection(t: ExplainTrace): HTMLElement {
  const names = t.paths.map((p) => p.variable);
  const chosen = pathVar && names.includes(pathVar) ? pathVar : names[0];
  const section = el('section', { id: 'paths', 'aria-label': 'All paths' }, el('h3', { text: 'All paths from the output to an input' }));
  if (!chosen) return el('section', { id: 'paths' }, el('p', { class: 'hint', text: 'The expression has no variables, so there is nothing to differentiate by.' }));
  const p = t.paths.find((x) => x.variable === chosen)!;
  if (names.length > 1) {
    const s = select('path-var', 'Input', chosen, names.map((v): [string, string] => [v, v]));
    s.querySelector('#path-var')!.addEventListener('change', (e) => {
      pathVar = (e.target as HTMLInputElement).value;
      save();
      // the redraw replaces this select: not while it is still dispatching and closing its dropdown
      // (its update then ran on a detached element: "showPopover ... on disconnected popover elements")
      setTimeout(drawAll, 0);
    });
    section.append(s);
  }
  section.append(el('p', { class: 'hint', text: `${p.count} path${p.count === 1 ? '' : 's'} from f to ${chosen}${p.count > p.paths.length ? ` (the first ${p.paths.length} shown)` : ''}: each path's product of local derivatives, then their sum.` }));
  const list = el('ol', { class: 'path-list' });
  for (const q of p.paths) {
    const item = el('li', { text: '…' });
    later(() => texSoon(item, pathLatex(t, q), item.textContent ?? '', false));
    list.append(item);
  }
  section.append(list);
  const sum = el('p', { id: 'paths-sum', class: 'step-result', 'data-total': p.total, text: `Sum of the paths: ${fmt(p.total)} = ∂f/∂${chosen} = ${fmt(t.gradient[chosen])}` });
  section.append(sum);
  return section;
}

/** Beyond this much LaTeX (or 3 variables) each derivative waits, folded, until it is opened. */
const FOLD_LATEX = 3000;

function derivativeSection(t: ExplainTrace, wrt: string | null): HTMLElement {
  const section = el('section', { id: 'symbolic', 'aria-label': 'Symbolic derivative' }, el('h3', { text: 'Symbolic derivative, checked against autodiff' }));
  // an unrolled RNN has a derivative of thousands of symbols per variable: tens of thousands of
  // KaTeX nodes if all are drawn, so past a size each is drawn when the student opens it
  const fold = t.derivatives.length > 3 || t.derivatives.reduce((n, d) => n + d.latex.length, 0) > FOLD_LATEX;
  t.derivatives.forEach((d, i) => {
    const box = el('div', { class: 'formula', 'data-var': d.variable, text: `∂f/∂${d.variable} = ${d.text}` });
    const sym = t.nodes.find((n) => n.kind === 'variable' && n.label === d.variable)?.symbol ?? d.variable;
    const render = (): void => texSoon(box, `\\frac{\\partial f}{\\partial ${sym}} = ${d.latex}`, box.textContent ?? '');
    const check = el('p', { class: `check ${d.agrees ? 'ok' : 'bad'}`, text: `= ${fmt(d.value)} at this point; autodiff gives ${fmt(d.autodiff)}: ${d.agrees ? '✓ they agree' : '✗ they disagree'}` });
    if (!fold) {
      later(render);
      section.append(box, check);
      return;
    }
    const open = wrt === null ? i === 0 : d.variable === wrt;
    const details = el('details', { class: 'derivative', 'data-var': d.variable, ...(open ? { open: true } : {}) },
      el('summary', { text: `∂f/∂${d.variable} (${thousands(d.text.length)} characters)` }), box);
    let drawn = false;
    const draw = (): void => { if (!drawn && details.open) { drawn = true; later(render); } };
    details.addEventListener('toggle', draw);
    draw();
    section.append(details, check);
  });
  if (t.nodes.some((n) => n.op === 'relu' || n.op === 'maximum' || n.op === 'minimum')) {
    section.append(el('p', { class: 'hint', text: `relu'(z) is written step(z) = [z > 0]; at z = 0 exactly the convention relu'(0) = ${t.reluAtZero} applies.` }));
  }
  return section;
}

onStepKeys(() => (current ? current.trace.steps.length - 1 : undefined), () => cursor, setCursor);

/** A busy or error line; with no trace yet, the error comes with the expression to fix. */
function message(kind: 'busy' | 'error', text: string, options: ExplainPanelOptions): void {
  const box = el('p', { id: kind, class: kind, role: kind === 'error' ? 'alert' : 'status', text });
  document.getElementById('busy')?.remove();
  document.getElementById('error')?.remove();
  if (current && same(current.options, options)) return void app.prepend(box);
  if (kind === 'error') {
    current = undefined;
    app.replaceChildren(expressionForm(options), box, el('p', { class: 'hint', text: SYNTAX }));
    vscode.setState({ options, cursor: 0 });
  } else if (!current) {
    app.replaceChildren(box);
  } else {
    app.prepend(box);
  }
}

onHostMessage<ToExplainView>((m) => {
  switch (m.type) {
    case 'trace': {
      const state = vscode.getState();
      cursor = state && same(state.options, m.options) ? Math.min(state.cursor, m.trace.steps.length - 1) : 0;
      current = { options: m.options, trace: m.trace };
      save();
      drawAll();
      break;
    }
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

window.addEventListener('resize', () => {
  const svg = document.querySelector<SVGSVGElement>('#graph');
  if (svg) fitGraph(svg, graphWidth());
});

vscode.post({ type: 'ready' });
