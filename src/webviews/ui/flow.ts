/**
 * The Gradient Flow side view in the browser: the selected sentence's |dL/dh_t| chart and a one-line
 * verdict with a button to open the full BPTT panel, or a hint about what to select.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { FlowSummary, FromFlowView, ToFlowView } from '../flowProtocol';
import { assertNever } from '../bpttProtocol';
import { el } from './dom';
import type { FlowChart } from './flowChart';
import { flowChart } from './flowChart';
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

onHostMessage<ToFlowView>((m) => {
  switch (m.type) {
    case 'flow': show(m.flow); break;
    case 'hint': hint(m.message); break;
    default: assertNever(m);
  }
});

const saved = vscode.getState();
if (saved?.flow) show(saved.flow);
else hint(saved?.hint ?? 'Select a sentence in the editor to see how its gradient flows back through the RNN.');
vscode.post({ type: 'ready' });
