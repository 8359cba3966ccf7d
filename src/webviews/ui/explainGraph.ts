/**
 * The computation graph as a layered SVG diagram: inputs on the left, the output on the right, each
 * node with its op, value and (once the backward pass has reached it) its gradient. Nodes are
 * focusable buttons; hovering or focusing one asks the host to light up its source text.
 */
import type { ExplainTrace } from '../../explain/explainTrace';
import { plainSymbol } from '../../explain/derivation';
import { fmt } from './dom';

const SVG = 'http://www.w3.org/2000/svg';
const W = 132, H = 58, COL = 176, ROW = 74, PAD = 10;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Row of each node within its layer: leaves by first use, then each layer by its inputs' mean row. */
export function layout(t: ExplainTrace): { x: number[]; y: number[]; width: number; height: number } {
  const layers: number[][] = [];
  for (const n of t.nodes) (layers[n.layer] ??= []).push(n.id);
  const row: number[] = [];
  layers.forEach((ids, l) => {
    if (l > 0) {
      const key = (id: number): number => {
        const ins = t.nodes[id].inputs;
        return ins.reduce((s, i) => s + row[i], 0) / Math.max(1, ins.length);
      };
      ids.sort((a, b) => key(a) - key(b) || a - b);
    }
    ids.forEach((id, i) => (row[id] = i));
  });
  const tallest = Math.max(...layers.map((ids) => ids.length));
  const x: number[] = [], y: number[] = [];
  layers.forEach((ids) => {
    const offset = ((tallest - ids.length) * ROW) / 2; // centre short layers
    ids.forEach((id) => {
      x[id] = PAD + t.nodes[id].layer * COL;
      y[id] = PAD + offset + row[id] * ROW;
    });
  });
  return { x, y, width: 2 * PAD + (layers.length - 1) * COL + W, height: 2 * PAD + (tallest - 1) * ROW + H };
}

/** Shrinks a wide graph to the panel's width, down to 60 % (below that it scrolls instead). */
export function fitGraph(root: SVGSVGElement, available: number): void {
  const [, , width, height] = root.getAttribute('viewBox')!.split(' ').map(Number);
  const scale = Math.min(1, Math.max(0.6, available / width));
  root.setAttribute('width', String(Math.round(width * scale)));
  root.setAttribute('height', String(Math.round(height * scale)));
}

export interface GraphHandlers {
  /** the node under the mouse or focus, or null when it leaves */
  hover(node: number | null): void;
  /** Enter or click on a node: go to its backward step */
  pick(node: number): void;
}

/**
 * `done` holds the nodes whose gradient the backward pass has reached; `current` is the node of the
 * shown step, `children` the nodes its gradient is summed from.
 */
export function graphSvg(t: ExplainTrace, done: ReadonlySet<number>, current: number, children: ReadonlySet<number>, on: GraphHandlers): SVGSVGElement {
  const { x, y, width, height } = layout(t);
  const root = svg('svg', { id: 'graph', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': `Computation graph: ${t.nodes.length} nodes, inputs on the left, the output on the right` });
  const edges = svg('g', { class: 'edges' });
  for (const n of t.nodes) {
    for (const i of n.inputs) {
      const x1 = x[i] + W, y1 = y[i] + H / 2, x2 = x[n.id], y2 = y[n.id] + H / 2, mx = (x1 + x2) / 2;
      const active = (n.id === current && done.has(i)) || (i === current && children.has(n.id));
      edges.append(svg('path', { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, class: `edge${active ? ' active' : ''}`, 'data-from': i, 'data-to': n.id }));
    }
  }
  root.append(edges);
  for (const n of t.nodes) {
    const reached = done.has(n.id);
    const cls = ['node', n.kind, n.id === current ? 'current' : '', children.has(n.id) ? 'child' : '', reached ? 'reached' : ''].filter(Boolean).join(' ');
    const name = n.kind === 'variable' || n.kind === 'constant' ? n.label : `${n.label}  ${plainSymbol(n)}`;
    const grad = n.grad === null ? '' : `∂f/∂${plainSymbol(n)} = ${reached ? fmt(n.grad) : '?'}`;
    const g = svg('g', {
      class: cls, tabindex: 0, role: 'button', 'data-node': n.id,
      'aria-label': `${name}: value ${fmt(n.value)}${n.grad === null ? '' : reached ? `, gradient ${fmt(n.grad)}` : ', gradient not reached yet'}`,
    });
    g.append(
      svg('rect', { x: x[n.id], y: y[n.id], width: W, height: H, rx: n.kind === 'variable' ? 14 : 4 }),
      svg('text', { x: x[n.id] + 8, y: y[n.id] + 17, class: 'node-op' }, name),
      svg('text', { x: x[n.id] + 8, y: y[n.id] + 34, class: 'node-value' }, `= ${fmt(n.value)}`),
      svg('text', { x: x[n.id] + 8, y: y[n.id] + 50, class: 'node-grad' }, grad),
    );
    g.append(svg('title', {}, n.span ? `${name}\nfrom: ${t.expression.slice(n.span.start, n.span.end)}` : name));
    g.addEventListener('mouseenter', () => on.hover(n.id));
    g.addEventListener('mouseleave', () => on.hover(null));
    g.addEventListener('focus', () => on.hover(n.id));
    g.addEventListener('blur', () => on.hover(null));
    g.addEventListener('click', () => on.pick(n.id));
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        e.stopPropagation();
        on.pick(n.id);
      }
    });
    root.append(g);
  }
  return root;
}
