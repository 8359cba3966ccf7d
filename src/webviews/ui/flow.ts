/**
 * The Gradient Flow side view in the browser: the selected sentence's |dL/dh_t| chart and a one-line
 * verdict with a button to open the full BPTT panel, or a hint about what to select.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { AttentionSummary, FlowSummary, FromFlowView, ToFlowView } from '../flowProtocol';
import { assertNever } from '../panelProtocol';
import { el } from './dom';
import type { FlowChart } from './flowChart';
import { flowChart } from './flowChart';
import { drawHeatmap } from './heatmap';
import { host, onHostMessage } from './vscodeApi';

const vscode = host<FromFlowView, { flow?: FlowSummary; hint?: string }>();
const app = document.getElementById('app')!;
let chart: FlowChart | undefined;

function hint(message: string): void {
  chart?.destroy();
  chart = undefined;
  app.replaceChildren(el('p', { id: 'hint', class: 'hint', role: 'status', text: message }));
  vscode.setState({ hint: message });
}

function show(flow: FlowSummary): void {
  chart?.destroy();
  const T = flow.words.length;
  const words = T > 8 ? `${flow.words.slice(0, 8).join(' ')} … (${T} words)` : flow.words.join(' ');
  const open = el('vscode-button' as 'button', { id: 'open-panel', 'aria-label': 'Open the BPTT panel for this sentence' }, 'Step through BPTT');
  open.addEventListener('click', () => vscode.post({ type: 'openPanel' }));
  const table = el('table', { class: 'data' }, el('thead', {}, el('tr', {}, el('th', { text: 't' }), el('th', { text: 'log10 |dL/dh_t|' }))),
    el('tbody', {}, ...flow.log10.map((l, t) => el('tr', {}, el('td', { text: String(t) }), el('td', { text: Number.isFinite(l) ? l.toFixed(3) : '−∞ (exactly 0)' })))));
  app.replaceChildren(
    el('p', { class: 'sentence', title: flow.sentence, text: words }),
    el('div', { class: 'chart-box small' }, el('canvas', { id: 'flow-chart', role: 'img', 'aria-label': 'Chart of |dL/dh_t| against t on a log scale' })),
    el('p', { id: 'flow-verdict', class: `verdict ${flow.verdict.kind}`, 'data-kind': flow.verdict.kind, text: flow.verdict.message }),
    open,
    el('details', {}, el('summary', { text: 'Numbers' }), table),
  );
  chart = flowChart(document.getElementById('flow-chart') as HTMLCanvasElement, { compact: true });
  chart.show(flow.log10.map((log10, t) => ({ t, log10 })), T);
  vscode.setState({ flow });
}

/** While the attention panel is active: its last layer as a small heatmap. */
function showAttention(a: AttentionSummary): void {
  chart?.destroy();
  chart = undefined;
  const canvas = el('canvas', { id: 'side-heatmap', role: 'img', 'aria-label': `Attention matrix of layer ${a.layer}, ${a.words.length} by ${a.words.length}` });
  const tip = el('p', { id: 'side-heatmap-tip', class: 'hint', 'aria-live': 'polite', text: 'Hover a cell for its weight.' });
  app.replaceChildren(
    el('p', { class: 'sentence', text: `Attention, layer ${a.layer}: ${a.words.length > 8 ? `${a.words.slice(0, 8).join(' ')} …` : a.words.join(' ')}` }),
    canvas, tip,
    el('p', { class: 'hint', text: 'Row i: how word i spreads its attention; every row sums to 1.' }),
  );
  const size = Math.max(120, Math.min(280, app.clientWidth - 8));
  const cellAt = drawHeatmap(canvas, a.A, { labels: a.words, scale: 'sequential', size, compact: true });
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect(), c = cellAt(e.clientX - r.left, e.clientY - r.top);
    if (c) tip.textContent = `${a.words[c.i]} → ${a.words[c.j]}: ${c.value.toFixed(4)}`;
  });
}

onHostMessage<ToFlowView>((m) => {
  switch (m.type) {
    case 'flow': show(m.flow); break;
    case 'attention': showAttention(m.attention); break;
    case 'hint': hint(m.message); break;
    default: assertNever(m);
  }
});

const saved = vscode.getState();
if (saved?.flow) show(saved.flow);
else hint(saved?.hint ?? 'Select a sentence in the editor to see how its gradient flows back through the RNN.');
vscode.post({ type: 'ready' });
